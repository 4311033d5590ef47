"""Pages of the questionnaire. Thin: load, authorize through the access policy, call a service or selector, render.

The family's pages (``family``): answer or say no thanks, see and delete the family's own answers. Only the family
gets them: the policy refuses the category ``survey`` to every staff role, the family's coordinator included.

The figures (``aggregate``): what families say and what Los sees of the work, for the barnekoordinators, the
coordinating unit and the leaders; never a single family, never a single answer.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from los.access import audit
from los.access.guard import access, authorize
from los.access.models import AuditAction, Category
from los.access.policy import Action, decide
from los.families.models import Family
from los.stats import exports
from los.survey import figures, selectors, services
from los.survey.forms import MunicipalityForm, QuestionnaireForm
from los.survey.models import Invitation, Respondent
from los.survey.questions import questions_for


def _invitation(request: HttpRequest, family_pk: int, invitation_pk: int) -> tuple[Family, Invitation]:
    """The family of the address and its invitation, once the access policy lets the user see the invitation."""
    family = get_object_or_404(Family, pk=family_pk)
    invitation = get_object_or_404(Invitation.objects.select_related("child", "family"), pk=invitation_pk,
                                   family=family)
    authorize(request, Action.VIEW, invitation)
    return family, invitation


def _handed_over(invitation: Invitation, user) -> bool:
    """A child's questionnaire opened by someone else than the child: a guardian, to hand the device over."""
    return invitation.respondent == Respondent.CHILD and invitation.child.user_id != user.pk


@access("family")
@login_required
@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, family_pk: int, invitation_pk: int) -> HttpResponse:
    """The questionnaire: answer (every question may be left out), or no thanks. Never a condition for anything."""
    family, invitation = _invitation(request, family_pk, invitation_pk)
    today = timezone.localdate()
    form = QuestionnaireForm(respondent=invitation.respondent)
    if request.method == "POST":
        authorize(request, Action.CHANGE, invitation)
        form = QuestionnaireForm(request.POST, respondent=invitation.respondent)
        try:
            if "nei_takk" in request.POST:
                services.decline(invitation, today)
                messages.success(request, _("Thank you. We will not ask you about this again."))
                return redirect("portal:overview", family.pk)
            if form.is_valid():
                stored = services.answer(invitation, form.cleaned_data, today)
                messages.success(request, _("Thank you for your answers. They are stored without your name.")
                                 if stored else _("You left every question out, so nothing was stored. Thank you."))
                return redirect("survey:our_answers", family.pk)
        except services.InvitationClosedError as closed:
            form.add_error(None, str(closed))
    return render(request, "survey/questionnaire.html", {
        "family": family, "invitation": invitation, "form": form, "groups": form.groups(),
        "open": invitation.is_open_on(today), "handed_over": _handed_over(invitation, request.user),
        "question_count": len(questions_for(invitation.respondent)),
    })


@access("family")
@login_required
def our_answers(request: HttpRequest, family_pk: int) -> HttpResponse:
    """The family's own answers (found by the receipts only its invitations give), each with a way to delete it."""
    family = get_object_or_404(Family, pk=family_pk)
    if decide(request.user, Action.VIEW, family).basis == "young_person":
        authorize(request, Action.VIEW, family)  # the young person sees only their own answers (below)
    else:
        authorize(request, Action.VIEW, family, Category.SURVEY)
    rows = selectors.family_answers(family, request.user)
    for row in rows:
        row.groups = _answered(row)
        row.may_delete = row.answer is not None and decide(request.user, Action.CHANGE, row.invitation).allowed
    return render(request, "survey/our_answers.html", {
        "family": family, "rows": rows,
        "waiting": selectors.open_invitations(family, request.user, timezone.localdate()),
    })


def _answered(row: selectors.OwnAnswer) -> list[dict]:
    """The questions with the answer given (or "not answered"), for the family's own page."""
    if row.answer is None:
        return []
    out = []
    for question in questions_for(row.invitation.respondent):
        if question.open:
            out.append({"question": question, "answers": [], "comment": row.answer.comment})
            continue
        out.append({"question": question, "answers": [
            (item.text, item.scale.label(getattr(row.answer, item.field))) for item in question.items]})
    return out


@access("family")
@login_required
@require_http_methods(["GET", "POST"])
def delete_answer(request: HttpRequest, family_pk: int, invitation_pk: int) -> HttpResponse:
    """Delete the family's answers to one questionnaire, after a confirmation."""
    family, invitation = _invitation(request, family_pk, invitation_pk)
    if request.method == "POST":
        authorize(request, Action.CHANGE, invitation)
        deleted = services.delete_answer(invitation)
        messages.success(request, _("Your answers are deleted.") if deleted else _("There were no answers to delete."))
        return redirect("survey:our_answers", family.pk)
    return render(request, "survey/delete.html", {"family": family, "invitation": invitation})


# --- the figures --------------------------------------------------------------------------------------------------


def _scope(request: HttpRequest) -> tuple[MunicipalityForm, list]:
    municipalities = selectors.figure_municipalities(request.user)
    if not municipalities:
        raise PermissionDenied(_("These figures are for the barnekoordinators, the coordinating unit and the "
                                 "municipality's leaders."))
    form = MunicipalityForm(request.GET or None, municipalities=municipalities)
    return form, form.chosen()


def _page(request: HttpRequest, chosen: list) -> figures.Page:
    ids = [m.pk for m in chosen]
    return figures.outcomes_page(ids, timezone.localdate(),
                                 protect_work=selectors.must_protect(request.user, ids))


@access("aggregate")
@login_required
def outcomes(request: HttpRequest) -> HttpResponse:
    form, chosen = _scope(request)
    page = _page(request, chosen)
    query = urlencode({"kommune": chosen[0].pk}) if len(chosen) == 1 and "kommune" in form.fields else ""
    return render(request, "survey/outcomes.html", {"page": page, "form": form, "chosen": chosen, "query": query})


@access("aggregate")
@login_required
def outcomes_download(request: HttpRequest) -> HttpResponse:
    """The page's tables as CSV or XLSX, for the municipality's own evaluation (the open answers are left out:
    free text can name a family)."""
    form, chosen = _scope(request)
    page = _page(request, chosen)
    fmt = exports.download_format(request.GET.get("format"))
    for m in chosen:
        audit.record(actor=request.user, action=AuditAction.EXPORT, object_type="survey_outcomes",
                     municipality_id=m.pk, reason="download of what families say and the quality of the work",
                     request=request)
    years = page.years or page.answer_years
    about = exports.About(
        title=_("What families say, beside the nation"), municipalities=[m.name for m in chosen],
        period=(years[0].start, years[-1].end) if years else None, generated_at=timezone.localtime(),
        protected=True, method=_("Calendar years; this year up to the end of its last whole quarter for the families' "
                                 "answers (and of the last whole month, or today, for the work). The families' "
                                 "answers always with small numbers hidden, the figures about the work for anyone "
                                 "outside the coordinating unit. The open answers are left out. See "
                                 "docs/statistics.md."))
    stem = f"los-familiene-svarer-{slugify(chosen[0].name) if len(chosen) == 1 else 'alle'}-" \
           f"{timezone.localdate().isoformat()}"
    return exports.download(about, page.tables, stem, fmt)

