"""Pages of the archive: the journal and its transfer queue, a family's case files, deposits. Thin: the access
policy first (``authorize`` / ``visible_families``), then a service or selector."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from los.access.guard import access, record_list_view
from los.access.models import AuditAction
from los.access.policy import Action, decide
from los.archive import forms, selectors, services
from los.archive.models import ArchiveDocument, Deposit, RegistryEntry, TransferStatus
from los.core.forms import act, submit
from los.families.selectors import authorized_family, authorized_object

PAGE_SIZE = 50


@login_required
@access("family_list")
def journal(request: HttpRequest) -> HttpResponse:
    """The journal of the families the user may see, with the transfer queue to the archive system."""
    status = request.GET.get("status", "")
    status = status if status in TransferStatus.values else ""
    page = Paginator(selectors.journal_for(request.user, status), PAGE_SIZE).get_page(request.GET.get("side"))
    record_list_view(request, "RegistryEntry")
    return render(request, "archive/journal.html", {
        "page": page, "status": status, "statuses": TransferStatus.choices,
        "counts": selectors.transfer_counts(request.user), "is_unit": bool(services.unit_municipalities(request.user)),
    })


@login_required
@access("family")
def family_journal(request: HttpRequest, family_pk: int) -> HttpResponse:
    """The family's case files in the archive: every registry entry with its document and where it is in the
    transfer; the barnekoordinator or the unit can journal a note of their choosing."""
    family = authorized_family(request, family_pk, Action.VIEW, services.ARCHIVE_CATEGORY)
    decision = decide(request.user, Action.CHANGE, family, services.ARCHIVE_CATEGORY)
    may_journal = decision.allowed and decision.basis in services.UNIT_BASES | {"coordinator"}
    form = forms.NoteForm(request.POST or None)
    if request.method == "POST":
        if not may_journal:
            raise PermissionDenied(_("Only the family's barnekoordinator or the coordinating unit can journal a note."))
        entry = submit(form, lambda: services.journal_note(family, request.user, form.cleaned_data["title"],
                                                           form.cleaned_data["text"], http_request=request))
        if entry:
            messages.success(request, _("Journaled as %(number)s.") % {"number": entry.journal_number})
            return redirect(reverse("archive:family_journal", args=[family.pk]))
    return render(request, "archive/family_journal.html", {
        "family": family, "case_files": selectors.case_files_of(family), "form": form, "may_journal": may_journal,
        "is_unit": decision.allowed and decision.basis in services.UNIT_BASES,
    })


@login_required
@access("family")
def document(request: HttpRequest, archivedocument_pk: int) -> FileResponse:
    """An archived document (PDF/A), through the access policy."""
    archived = authorized_object(request, Action.VIEW, ArchiveDocument.objects.select_related("family", "entry"),
                                 pk=archivedocument_pk)
    response = FileResponse(archived.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = (f'inline; filename="{archived.entry.journal_year}-'
                                       f'{archived.entry.journal_sequence}-{archived.number}.pdf"')
    return response


@login_required
@require_POST
@access("family")
def offer_again(request: HttpRequest, registryentry_pk: int) -> HttpResponse:
    """The unit offers a failed (or sent but never confirmed) entry to the archive system again."""
    entry = authorized_object(request, Action.CHANGE, RegistryEntry.objects.select_related("family"),
                              pk=registryentry_pk)
    try:
        services.record_transfer(entry, request.user, TransferStatus.WAITING, http_request=request)
    except services.TransferError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(number)s is waiting for the archive system again.") % {
            "number": entry.journal_number})
    return redirect(reverse("archive:family_journal", args=[entry.family_id]))


def _require_unit(request: HttpRequest) -> list:
    municipalities = services.unit_municipalities(request.user)
    if not municipalities:
        raise PermissionDenied(_("Deposits are made by the coordinating unit."))
    return municipalities


@login_required
@access("staff")
def deposits(request: HttpRequest) -> HttpResponse:
    """Deposits (arkivuttrekk) of closed case files for the archive depot: make one, confirm one."""
    municipalities = _require_unit(request)
    municipality = municipalities[0]
    today = timezone.localdate()
    form = forms.DepositForm(request.POST or None, initial={
        "period_start": today.replace(month=1, day=1) if today.month > 1 else today - timedelta(days=365),
        "period_end": today})
    if request.method == "POST":
        deposit = submit(form, lambda: services.make_deposit(
            municipality, request.user, form.cleaned_data["period_start"], form.cleaned_data["period_end"],
            http_request=request))
        if deposit:
            messages.success(request, _("The deposit is made: %(count)s case files. Download it and send it to the "
                                        "archive depot.") % {"count": deposit.counts.get("case_files", 0)})
            return redirect(reverse("archive:deposits"))
    _municipalities, made = selectors.deposits_for(request.user)
    waiting = services.depositable(municipality, date(2000, 1, 1), today).count()
    return render(request, "archive/deposits.html", {
        "form": form, "deposits": made, "municipality": municipality, "waiting": waiting,
        "confirm_form": forms.ConfirmDepositForm(),
    })


@login_required
@require_POST
@access("staff")
def confirm_deposit(request: HttpRequest, pk: int) -> HttpResponse:
    municipalities = _require_unit(request)
    deposit = get_object_or_404(Deposit, pk=pk, municipality__in=municipalities)
    form = forms.ConfirmDepositForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the depot's receipt or reference."))
        return redirect(reverse("archive:deposits"))
    return act(request, lambda: services.confirm_deposit(deposit, request.user, form.cleaned_data["receipt"],
                                                         http_request=request),
               success=reverse("archive:deposits"), message=_("The deposit is confirmed."))


@login_required
@access("staff")
def deposit_file(request: HttpRequest, pk: int) -> FileResponse:
    from los.access import audit

    municipalities = _require_unit(request)
    deposit = get_object_or_404(Deposit, pk=pk, municipality__in=municipalities)
    audit.record(actor=request.user, action=AuditAction.EXPORT, object_type="Deposit", object_id=deposit.pk,
                 municipality_id=deposit.municipality_id, reason="deposit package downloaded", request=request)
    response = FileResponse(deposit.file.open("rb"), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="arkivuttrekk-{deposit.period_start}-{deposit.period_end}.zip"'
    return response
