"""The care diary's pages: a day in a few taps, bad input kept, the PDF attachment, and who may see it."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from los.access.models import AuditEvent
from los.carediary.models import DiaryDay


def _client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _day_post(child, day, **values):
    data = {"barn": child.pk, "day-day": day.isoformat(), "day-version": values.pop("version", 0),
            "day-supervision": "120", "day-care": "60", "day-night_wakings": "2", "day-night_minutes": "30"}
    data.update({f"day-{k}": v for k, v in values.items()})
    return data


@pytest.mark.django_db
def test_a_parent_records_a_day_and_the_page_moves_to_the_next(world, child):
    client = _client(world.parent)
    url = reverse("carediary:diary", args=[world.family.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b"Save the day" in page.content
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(reverse("carediary:record_day", args=[world.family.pk]), _day_post(child, yesterday))
    assert response.status_code == 302
    assert f"dag={timezone.localdate().isoformat()}" in response["Location"]
    row = DiaryDay.objects.get(child=child, day=yesterday)
    assert (row.supervision_minutes, row.care_minutes, row.night_wakings, row.night_minutes) == (120, 60, 2, 30)
    assert row.recorded_by == world.parent
    assert AuditEvent.objects.filter(family=world.family, actor=world.parent, action="change").exists()


@pytest.mark.django_db
def test_other_hours_and_bad_input_keep_what_was_typed(world, child):
    client = _client(world.parent)
    url = reverse("carediary:record_day", args=[world.family.pk])
    day = timezone.localdate()
    response = client.post(url, _day_post(child, day, supervision_other="2,5"))
    assert response.status_code == 302
    assert DiaryDay.objects.get(child=child, day=day).supervision_minutes == 150
    response = client.post(url, _day_post(child, day + timedelta(days=3), care_other="lots", note="Hard night"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Write the hours as a number" in body
    assert "Hard night" in body and 'value="lots"' in body
    assert 'role="alert"' in body


@pytest.mark.django_db
def test_a_stale_day_answers_409_and_keeps_the_saved_values(world, child):
    client = _client(world.parent)
    url = reverse("carediary:record_day", args=[world.family.pk])
    day = timezone.localdate()
    assert client.post(url, _day_post(child, day)).status_code == 302
    response = client.post(url, _day_post(child, day, supervision="720", version=0))
    assert response.status_code == 409
    assert DiaryDay.objects.get(child=child, day=day).supervision_minutes == 120


@pytest.mark.django_db
def test_the_attachment_is_a_dated_pdf_in_the_chosen_language(world, child):
    client = _client(world.parent)
    today = timezone.localdate()
    for offset in range(14):
        client.post(reverse("carediary:record_day", args=[world.family.pk]),
                    _day_post(child, today - timedelta(days=offset)))
    params = {"barn": child.pk, "fra": (today - timedelta(days=13)).isoformat(), "til": today.isoformat(),
              "formal": "omsorgsstonad", "bruk": "appeal", "sprak": "nn"}
    response = client.get(reverse("carediary:attachment", args=[world.family.pk]), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"{(today - timedelta(days=13)).isoformat()}-{today.isoformat()}.pdf" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(family=world.family, actor=world.parent, action="export").exists()
    page = client.get(reverse("carediary:diary", args=[world.family.pk]), params)
    # 14 days × 3 hours = 42 hours; 14 disturbed nights
    assert "14 of 14 days recorded" in page.content.decode()


@pytest.mark.django_db
def test_the_attachment_html_sums_in_the_families_language(world, child, rf):
    from los.carediary import pdf, services

    today = timezone.localdate()
    for offset in range(7):
        services.record_day(child, by=world.parent, day=today - timedelta(days=offset), supervision_minutes=60,
                            care_minutes=30, night_wakings=1, night_minutes=20, version=0)
    diary = services.diary_for(child)
    html = pdf.attachment_html(None, diary, start=today - timedelta(days=6), end=today, purpose="hjelpestonad",
                               use="application", language="nb", include_notes=False)
    assert "Pleiedagbok" in html or "pleiedagbok" in html.lower()
    assert "10,5" in html  # 7 × 1.5 hours of supervision and care
    assert "7 / 7" in html


@pytest.mark.django_db
def test_the_attachment_rejects_a_bad_period_with_the_form(world, child):
    client = _client(world.parent)
    today = timezone.localdate()
    response = client.get(reverse("carediary:attachment", args=[world.family.pk]),
                          {"barn": child.pk, "fra": today.isoformat(), "til": (today - timedelta(days=5)).isoformat(),
                           "formal": "hjelpestonad", "bruk": "application", "sprak": "nb"})
    assert response.status_code == 400
    assert "The start of the period must be on or before its end." in response.content.decode()


@pytest.mark.django_db
def test_who_sees_the_diary(world, child):
    from los.core import testing as t

    day = timezone.localdate()
    _client(world.parent).post(reverse("carediary:record_day", args=[world.family.pk]), _day_post(child, day))
    url = reverse("carediary:diary", args=[world.family.pk])
    assert _client(world.coordinator).get(url).status_code == 200
    assert _client(world.caseworker).get(url).status_code == 200
    # a service contact under a consent without health information sees no diary
    t.consent(world.family, world.school, categories=["case", "plan"])
    response = _client(world.contact).get(url)
    assert response.status_code == 200
    assert b"Save the day" not in response.content and b"Supervision 2" not in response.content
    assert b"health information" in response.content
    assert _client(world.contact).post(reverse("carediary:record_day", args=[world.family.pk]),
                                       _day_post(child, day)).status_code in (403, 404)
    assert _client(world.leader).get(url).status_code == 404


@pytest.mark.django_db
def test_a_young_person_keeps_their_diary_from_guardians(world, child):
    from los.core import testing as t

    child.birth_date = date(2009, 1, 5)
    child.fodselsnummer = ""
    child.shares_health_with_guardians = False
    child.user = t.user("ungdom")
    child.save()
    response = _client(world.parent).get(reverse("carediary:diary", args=[world.family.pk]))
    assert response.status_code == 200
    assert b"has not shared it with you" in response.content
    assert b"Save the day" not in response.content
    assert _client(world.parent).post(reverse("carediary:record_day", args=[world.family.pk]),
                                      _day_post(child, timezone.localdate())).status_code == 403
