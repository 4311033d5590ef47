"""The admin site works with the project's form renderer: every page of every registered model opens."""

import html
from datetime import date

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from los.archive.models import ArchiveSettings
from los.core.models import CoordinatingUnit, MunicipalityAgreement
from los.meetings.models import MeetingPolicy
from los.ops.models import RetentionHold, RetentionRecord, RetentionRun


@pytest.fixture
def examples(world):
    """One row of every registered model (the world has the rest), and a superuser who coordinates the family,
    so that the admin's family pages (which go through the access policy) have something to show."""
    m = world.municipality
    CoordinatingUnit.objects.create(municipality=m, name="Koordinerende enhet Testvik")
    MunicipalityAgreement.objects.create(host=m, member=world.other_municipality, purpose="Felles enhet",
                                         valid_from=date(2026, 1, 1))
    MeetingPolicy.objects.create(municipality=m)
    ArchiveSettings.objects.create(municipality=m)
    RetentionHold.objects.create(family=world.family, municipality=m, reason="Klagesak", until=date(2027, 1, 1),
                                 created_by=world.admin)
    run = RetentionRun.objects.create(today=date(2026, 11, 18), dry_run=True, report={})
    RetentionRecord.objects.create(run=run, reference="F-1", municipality=m, status="closed",
                                   closed_on=date(2015, 1, 1), rule="10 år etter avslutning")
    Group.objects.create(name="Redaktører")
    attempt = {"user_agent": "Firefox", "ip_address": "192.0.2.1", "username": "ola", "http_accept": "text/html",
               "path_info": "/konto/logg-inn/", "attempt_time": timezone.now()}
    AccessAttempt.objects.create(**attempt, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**attempt)
    DBTaskResult.objects.create(enqueued_at=timezone.now(), args_kwargs={"args": [], "kwargs": {}},
                                task_path="los.plans.tasks.send_overdue_measure_reminders", backend_name="default",
                                run_after=timezone.now(), exception_class_path="", traceback="")
    TOTPDevice.objects.create(user=world.leader, name="Telefon")
    StaticDevice.objects.create(user=world.leader, name="Reservekoder")
    user = world.coordinator
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def _text(response) -> str:
    return html.unescape(response.content.decode()).lower()


def _pages(model_admin, user) -> list[tuple[str, object]]:
    """The changelist, the change page of an existing row, the add page (where adding is allowed) and the raw-id
    lookup popup of every raw-id field."""
    opts = model_admin.opts
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    request = type("Request", (), {"user": user})()
    obj = model_admin.get_queryset(request).first()
    assert obj is not None, f"no {opts.label} to open: add one to the examples"
    pages = [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_change", args=[obj.pk])]
    if model_admin.has_add_permission(request):
        pages.append(reverse(f"{prefix}_add"))
    shown = [(url, opts) for url in pages]
    for name in model_admin.raw_id_fields:
        related = opts.get_field(name).related_model._meta
        url = reverse(f"admin:{related.app_label}_{related.model_name}_changelist") + "?_popup=1&_to_field=id"
        shown.append((url, related))
    return shown


@pytest.mark.django_db
def test_every_admin_page_of_every_registered_model_opens(client, examples):
    client.force_login(examples)
    broken = []
    for model_admin in admin.site._registry.values():
        for url, opts in _pages(model_admin, examples):
            with translation.override("en"):
                names = (str(opts.verbose_name).lower(), str(opts.verbose_name_plural).lower())
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
            if response.status_code != 200:
                broken.append(f"{url}: {response.status_code}")
            elif not any(name in _text(response) for name in names):
                broken.append(f"{url}: the page does not name {names[0]}")
    assert broken == []
    assert len(admin.site._registry) >= 20  # every app's models are there, not an empty registry


@pytest.mark.django_db
def test_the_raw_id_lookup_popup_names_the_model_it_looks_up(client, examples):
    client.force_login(examples)
    response = client.get(reverse("admin:core_serviceprovider_changelist") + "?_popup=1&_to_field=id",
                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    with translation.override("en"):
        assert "select service provider" in _text(response)
    # one's own roles are shown read-only (four eyes), so the widget is looked for where a role is asked for
    change = client.get(reverse("admin:accounts_staffrole_add"), HTTP_ACCEPT_LANGUAGE="en")
    assert change.status_code == 200
    assert 'class="vForeignKeyRawIdAdminField"' in change.content.decode()  # the raw-id widget itself
