from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from los.access.guard import access, authorize
from los.access.policy import Action
from los.families.models import Family
from los.families.navigation import FAMILY_SIDE_BASES
from los.families.selectors import family_overview


@access("family")
@login_required
def family_detail(request: HttpRequest, family_id: int) -> HttpResponse:
    family = get_object_or_404(Family.objects.select_related("municipality"), pk=family_id)
    decision = authorize(request, Action.VIEW, family)
    if decision.basis in FAMILY_SIDE_BASES:  # the family has its own home, not the staff's case view
        return redirect("portal:overview", family_pk=family.pk)
    return render(request, "families/detail.html", {"family": family, "decision": decision, **family_overview(family)})


#: Why the access policy lets the viewer open a family, in the viewer's words (``Decision.basis``).
ACCESS_BASES = {
    "guardian": _("You are a guardian in the family."),
    "young_person": _("It is your own case: you are the young person (16 or older) in the family."),
    "coordinator": _("You are the family's barnekoordinator."),
    "unit": _("You work in the coordinating unit of the family's municipality."),
    "transfer": _("You work in the coordinating unit of the municipality the family is moving to."),
    "consent": _("The family has consented to your service seeing its case."),
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
