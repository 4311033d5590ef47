"""The demo data matches each family's status and the existing coordinator assignments."""

from datetime import date

import pytest
from django.db.models import Count, Q

from los.core.deadlines import appeal_deadline
from los.core.demo.seed import build
from los.families.models import CoordinatorAssignment, Family, FamilyStatus
from los.referrals import selectors
from los.referrals.models import (
    OPEN_REQUEST_STATUSES,
    Appeal,
    Appointment,
    Ending,
    HandoverTask,
    Outcome,
    PublicRequest,
    PublicRequestStatus,
    Request,
    Vedtak,
)

TODAY = date(2026, 11, 23)


@pytest.mark.django_db
def test_demo_requests_decisions_and_appointments_match_the_families():
    ctx = build("demo", seed=5, today=TODAY)
    families = Family.objects.all()
    assert not families.annotate(n=Count("referral_requests")).filter(n=0).exists()

    requested = families.filter(status=FamilyStatus.REQUESTED)
    assert requested.exists()
    assert not requested.exclude(referral_requests__status__in=OPEN_REQUEST_STATUSES).exists()
    received = list(Request.objects.filter(family__in=requested).values_list("received", flat=True))
    assert any((TODAY - day).days >= 24 for day in received)  # some near or past one month

    for status, outcome in ((FamilyStatus.WAITING, Outcome.GRANTED), (FamilyStatus.REFUSED, Outcome.REFUSED),
                            (FamilyStatus.ACTIVE, Outcome.GRANTED)):
        group = families.filter(status=status)
        assert group.exists()
        assert not group.exclude(referral_decisions__outcome=outcome).exists(), status
    assert not Vedtak.objects.filter(Q(rules="") | Q(facts="") | Q(considerations="")).exists()
    some = Vedtak.objects.first()
    assert some.appeal_deadline == appeal_deadline(some.notified_on, some.legal_basis).deadline
    assert Appeal.objects.exists()

    # every existing assignment has its appointment, and no assignment was added
    assignments = CoordinatorAssignment.objects.count()
    assert Appointment.objects.count() == assignments
    assert not CoordinatorAssignment.objects.filter(appointment__isnull=True).exists()
    assert HandoverTask.objects.count() == Appointment.objects.filter(is_change=True).count()
    assert Ending.objects.count() == families.filter(status=FamilyStatus.CLOSED).count()
    assert not Vedtak.objects.filter(outcome=Outcome.GRANTED, family__coordinator_assignments__started__lt=
                                     models_F("decision_date")).exists()

    # the demo family is rich, and its caseworker has a queue
    demo = ctx.demo_family
    assert Vedtak.objects.filter(family=demo, outcome=Outcome.GRANTED).exists()
    assert Appointment.objects.filter(family=demo).exclude(family_wishes="").exists()
    from los.accounts.models import User

    caseworker = User.objects.get(username="saksbehandler")
    assert selectors.queue_for(caseworker, TODAY)
    assert PublicRequest.objects.filter(status=PublicRequestStatus.UNCONFIRMED).count() == 2


def models_F(name):  # noqa: N802 - reads like F()
    from django.db.models import F

    return F(name)
