"""The coordinating unit's queue: age, the one-month flag (fvl § 11 a) and the preliminary reply."""

import pytest
from django.urls import reverse
from django.utils import timezone

from los.access.models import AuditEvent
from los.core import testing as t
from los.core.deadlines import preliminary_reply_due
from los.families.models import FamilyStatus
from los.referrals import selectors
from los.referrals.models import Request

from .helpers import request_for


@pytest.fixture
def queue_world(world):
    m = world.municipality
    fresh = request_for(t.family(m, "Familien Fersk", status=FamilyStatus.REQUESTED), days_ago=5)
    soon = request_for(t.family(m, "Familien Snart", status=FamilyStatus.REQUESTED), days_ago=25)
    late = request_for(t.family(m, "Familien Sein", status=FamilyStatus.REQUESTED), days_ago=40)
    answered = request_for(t.family(m, "Familien Svart", status=FamilyStatus.REQUESTED), days_ago=40,
                           preliminary_reply_sent_on=timezone.localdate() - t_days(8),
                           preliminary_reply_text="Foreløpig svar", preliminary_reply_expected_by=timezone.localdate())
    foreign = request_for(world.foreign_family, days_ago=30)
    return {"fresh": fresh, "soon": soon, "late": late, "answered": answered, "foreign": foreign}


def t_days(n):
    from datetime import timedelta

    return timedelta(days=n)


@pytest.mark.django_db
def test_queue_flags_requests_near_and_past_one_month(client, world, queue_world):
    rows = {r.request.pk: r for r in selectors.queue_for(world.caseworker)}
    assert queue_world["foreign"].pk not in rows
    fresh, soon, late, answered = (rows[queue_world[k].pk] for k in ("fresh", "soon", "late", "answered"))
    assert (fresh.flagged, soon.flagged, late.flagged, answered.flagged) == (False, True, True, False)
    assert (soon.overdue, late.overdue) == (False, True)
    assert (fresh.age_days, late.age_days) == (5, 40)
    assert soon.reply_due == preliminary_reply_due(queue_world["soon"].received)
    # flagged first, the oldest first
    order = [r.request.pk for r in selectors.queue_for(world.caseworker)]
    assert order.index(late.request.pk) < order.index(soon.request.pk) < order.index(fresh.request.pk)

    client.force_login(world.caseworker)
    page = client.get(reverse("referrals:queue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Over one month: send a preliminary reply" in page
    assert "One month soon: send a preliminary reply" in page
    assert "Preliminary reply sent" in page
    assert "Familien Utenbys" not in page
    assert AuditEvent.objects.filter(object_type="referral_queue", actor=world.caseworker).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["contact", "leader", "admin", "coordinator", "parent"])
def test_queue_is_only_for_the_coordinating_unit(client, world, queue_world, who):
    t.consent(world.family, world.school)
    client.force_login(getattr(world, who))
    response = client.get(reverse("referrals:queue"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "Familien Snart" not in response.content.decode()


@pytest.mark.django_db
def test_queue_needs_log_in(client, world):
    response = client.get(reverse("referrals:queue"))
    assert response.status_code == 302 and "logg-inn" in response["Location"]


@pytest.mark.django_db
def test_drafted_preliminary_reply_in_the_familys_language_is_reviewed_and_marked_sent(client, world, queue_world):
    request = queue_world["soon"]
    family = request.family
    family.preferred_language = "nn"
    family.save()
    client.force_login(world.caseworker)
    url = reverse("referrals:preliminary_reply", args=[request.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Førebels svar" in page  # the draft is in nynorsk, the page in English
    assert "forvaltningslova § 11 a" in page
    expected = (timezone.localdate() + t_days(20)).isoformat()
    client.post(url, {"text": "Førebels svar: vi ventar på opplysningar frå skulen.", "expected_by": expected,
                      "version": request.version})
    request.refresh_from_db()
    assert request.preliminary_reply_sent_on == timezone.localdate()
    assert request.preliminary_reply_sent_by == world.caseworker
    assert request.preliminary_reply_text.startswith("Førebels svar")
    rows = {r.request.pk: r for r in selectors.queue_for(world.caseworker)}
    assert rows[request.pk].flagged is False


@pytest.mark.django_db
def test_stale_preliminary_reply_is_refused_and_the_text_kept(client, world, queue_world):
    request = queue_world["late"]
    client.force_login(world.caseworker)
    Request.objects.filter(pk=request.pk).update(version=5)
    response = client.post(reverse("referrals:preliminary_reply", args=[request.pk]), {
        "text": "Min egen tekst", "expected_by": timezone.localdate().isoformat(), "version": 1},
        HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "Someone else changed this" in page and "Min egen tekst" in page
    request.refresh_from_db()
    assert request.preliminary_reply_sent_on is None


@pytest.mark.django_db
def test_preliminary_reply_needs_a_date_not_in_the_past(client, world, queue_world):
    request = queue_world["late"]
    client.force_login(world.caseworker)
    response = client.post(reverse("referrals:preliminary_reply", args=[request.pk]), {
        "text": "Tekst", "expected_by": (timezone.localdate() - t_days(1)).isoformat(), "version": request.version},
        HTTP_ACCEPT_LANGUAGE="en")
    assert "The expected date cannot be in the past." in response.content.decode()
