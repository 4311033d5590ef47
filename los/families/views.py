from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from los.access.guard import access, authorize
from los.access.models import Category
from los.access.policy import Action, is_assigned_coordinator
from los.accounts.models import User
from los.core.forms import act, form_action
from los.families import services
from los.families.forms import ColleagueForm
from los.families.models import CoAssignment, Family
from los.families.navigation import FAMILY_SIDE_BASES
from los.families.selectors import authorized_family, authorized_object, colleagues_of, family_overview


@access("family")
@login_required
def family_detail(request: HttpRequest, family_id: int) -> HttpResponse:
    family = get_object_or_404(Family.objects.select_related("municipality"), pk=family_id)
    decision = authorize(request, Action.VIEW, family)
    if decision.basis in FAMILY_SIDE_BASES:  # the family has its own home, not the staff's case view
        return redirect("portal:overview", family_pk=family.pk)
    return render(request, "families/detail.html", {
        "family": family, "decision": decision, **family_overview(family),
        "may_arrange_colleagues": services.may_arrange_colleagues(request.user, family)})


#: Why the access policy lets the viewer open a family, in the viewer's words (``Decision.basis``).
ACCESS_BASES = {
    "guardian": gettext_lazy("You are a guardian in the family."),
    "young_person": gettext_lazy("It is your own case: you are the young person (16 or older) in the family."),
    "coordinator": gettext_lazy("You are the family's barnekoordinator."),
    "co_coordinator": gettext_lazy("You share the work on the family with its barnekoordinator."),
    "minute_taker": gettext_lazy("You take the minutes of the family's meetings."),
    "unit": gettext_lazy("You work in the coordinating unit of the family's municipality."),
    "transfer": gettext_lazy("You work in the coordinating unit of the municipality the family is moving to."),
    "consent": gettext_lazy("The family has consented to your service seeing its case."),
}


@access("family")
@login_required
def my_access(request: HttpRequest, family_id: int) -> HttpResponse:
    """Why the viewer may open this family: the access policy's answer for the family, and nothing of the family's
    own rows. Opening it is recorded in the family's access log like every family page, so it is also the
    smallest audited family page (bench/pages.py measures the other pages against it)."""
    family = get_object_or_404(Family.objects.select_related("municipality"), pk=family_id)
    decision = authorize(request, Action.VIEW, family)
    return render(request, "families/my_access.html", {
        "family": family, "basis": ACCESS_BASES.get(decision.basis, "")})


@access("family")
@login_required
def colleagues(request: HttpRequest, family_id: int) -> HttpResponse:
    """Who shares the work on the family with its barnekoordinator: a co-coordinator or a minute-taker, so that no
    one is alone in the role. The coordinator (or the unit) names them; what each may see is the access policy's."""
    action = Action.CHANGE if request.method == "POST" else Action.VIEW
    family = authorized_family(request, family_id, action, Category.CASE)
    may_arrange = services.may_arrange_colleagues(request.user, family)
    if request.method == "POST" and not may_arrange:
        raise PermissionDenied(_("Only the family's barnekoordinator or the coordinating unit can do this."))
    current, former = colleagues_of(family)

    def page(form: ColleagueForm | None, status: int = 200) -> HttpResponse:
        return render(request, "families/colleagues.html", {
            "family": family, "current": current, "former": former, "form": form, "may_arrange": may_arrange},
            status=status)

    if not may_arrange:
        return page(None)
    candidates = services.colleague_candidates(family, exclude={c.user_id for c in current})
    form = ColleagueForm(request.POST if request.method == "POST" else None, candidates=candidates,
                         may_share_notes=is_assigned_coordinator(request.user, family))

    def save() -> CoAssignment:
        data = form.cleaned_data
        return services.add_colleague(
            family, by=request.user, user=get_object_or_404(User, pk=data["user"]), role=data["role"],
            sees_working_notes=data.get("sees_working_notes", False))

    return form_action(
        request, form, save, success=reverse("families:colleagues", args=[family.pk]),
        message=lambda colleague: _("%(name)s now works on the family as %(role)s.") % {
            "name": colleague.user.get_full_name(), "role": colleague.get_role_display().lower()},
        page=lambda status: page(form, status))


@access("family")
@login_required
@require_POST
def colleague_end(request: HttpRequest, pk: int) -> HttpResponse:
    colleague = authorized_object(request, Action.CHANGE, CoAssignment.objects.select_related("family", "user"), pk=pk)
    return act(request, lambda: services.end_colleague(colleague, by=request.user),
               success=reverse("families:colleagues", args=[colleague.family_id]),
               message=_("%(name)s no longer works on the family.") % {"name": colleague.user.get_full_name()})
