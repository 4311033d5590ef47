from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

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
