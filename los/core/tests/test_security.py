"""Staff log-in security (lock-out, second factor, idle time-out), log-in audit and security headers."""

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from los.access.models import AuditEvent
from los.core import testing as t

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
LOGIN = "/konto/logg-inn/"


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password}, **EN)


@pytest.mark.django_db
class TestLockOut:
    def test_five_failures_lock_the_account_for_thirty_minutes(self, client, world):
        for _ in range(4):
            response = post_login(client, "bk", "wrong-password")
            assert response.status_code == 200 and "The user name or password is wrong" in response.content.decode()
        locked = post_login(client, "bk", "wrong-password")  # the fifth failure locks
        assert locked.status_code == 429
        assert "Log-in is locked for a while" in locked.content.decode()
        # even the right password is refused while locked
        response = post_login(client, "bk", t.PASSWORD)
        assert response.status_code == 429 and "_auth_user_id" not in client.session
        # half an hour later the account opens again
        AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=31))
        response = post_login(client, "bk", t.PASSWORD)
        assert response.status_code == 302 and client.session["_auth_user_id"] == str(world.coordinator.pk)

    def test_lock_out_is_per_account_not_for_everyone(self, client, world):
        for _ in range(5):
            post_login(client, "bk", "wrong-password")
        assert post_login(client, "saksbehandler", t.PASSWORD).status_code == 302

    def test_locked_page_in_norwegian(self, client, world):
        for _ in range(5):
            client.post(LOGIN, {"username": "bk", "password": "x"})
        page = client.post(LOGIN, {"username": "bk", "password": "x"}, HTTP_ACCEPT_LANGUAGE="nb").content.decode()
        assert "Innloggingen er sperret" in page


@pytest.mark.django_db
class TestLoginAudit:
    def test_log_in_failure_lock_out_and_log_out_are_audited_without_passwords(self, client, world):
        post_login(client, "bk", "my-secret-attempt")
        post_login(client, "no-such-user", "another-secret")
        post_login(client, "bk", t.PASSWORD)
        client.post(reverse("accounts:logout"))
        events = list(AuditEvent.objects.filter(object_type="User").order_by("at", "pk"))
        chain = str(world.municipality.pk)
        failed = [e for e in events if e.action == "login" and not e.allowed]
        assert [e.reason for e in failed] == ["failed log-in", "failed log-in for an unknown user name"]
        assert failed[0].object_id == str(world.coordinator.pk) and failed[0].chain == chain
        assert failed[1].chain == "global" and failed[1].object_id == ""
        ok = [e for e in events if e.action == "login" and e.allowed]
        assert len(ok) == 1 and ok[0].actor == world.coordinator and ok[0].actor_role == "barnekoordinator"
        assert ok[0].ip_address == "127.0.0.1" and ok[0].session_ref
        assert [e.action for e in events if e.action == "logout"] == ["logout"]
        for e in AuditEvent.objects.all():
            text = " ".join(str(getattr(e, f.attname)) for f in AuditEvent._meta.concrete_fields)
            assert "secret" not in text and t.PASSWORD not in text and "no-such-user" not in text

    def test_lock_out_is_audited(self, client, world):
        for _ in range(5):
            post_login(client, "bk", "wrong")
        assert AuditEvent.objects.filter(object_type="User", object_id=str(world.coordinator.pk),
                                         reason__startswith="log-in locked").exists()

    def test_behind_a_trusted_proxy_the_clients_address_is_logged(self, client, world, settings):
        settings.LOS_TRUSTED_PROXY_COUNT = 1
        client.post(LOGIN, {"username": "bk", "password": t.PASSWORD},
                    HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
        event = AuditEvent.objects.get(object_type="User", action="login", allowed=True)
        assert event.ip_address == "203.0.113.9"  # not the spoofable left-most entry, not the proxy

    def test_family_log_in_goes_to_the_global_chain(self, client, world):
        post_login(client, "forelder", t.PASSWORD)
        event = AuditEvent.objects.get(object_type="User", action="login", allowed=True)
        assert event.chain == "global" and event.actor == world.parent and event.family_id is None


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


@pytest.mark.django_db
class TestSecondFactor:
    @pytest.fixture(autouse=True)
    def _otp_on(self, settings):
        settings.LOS_REQUIRE_STAFF_OTP = True

    def test_staff_must_verify_a_totp_code_before_seeing_anything(self, client, world):
        assert post_login(client, "bk", t.PASSWORD).status_code == 302
        family_page = reverse("families:detail", args=[world.family.pk])
        response = client.get(family_page)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:otp')}?{urlencode({'next': family_page})}"
        enrol = client.get(response["Location"], **EN)
        assert "Scan the code with an authenticator app" in enrol.content.decode()
        device = TOTPDevice.objects.get(user=world.coordinator)
        wrong = client.post(response["Location"], {"token": "000000" if current_code(device) != "000000"
                                                   else "111111"}, **EN)
        assert "The code is not right" in wrong.content.decode()
        assert client.get(family_page).status_code == 302
        # after a wrong code django-otp makes the next try wait (throttling); let that time pass
        throttled = client.post(response["Location"], {"token": current_code(device)}, **EN)
        assert "Too many wrong codes in a row" in throttled.content.decode()
        TOTPDevice.objects.filter(pk=device.pk).update(
            throttling_failure_timestamp=timezone.now() - timedelta(minutes=5))
        verified = client.post(response["Location"], {"token": current_code(device)})
        assert verified.status_code == 302 and verified["Location"] == family_page
        assert client.get(family_page).status_code == 200
        device.refresh_from_db()
        assert device.confirmed
        reasons = list(AuditEvent.objects.filter(object_type="User", actor=world.coordinator)
                       .values_list("reason", "allowed"))
        assert ("wrong second-factor code", False) in reasons and ("second factor verified", True) in reasons

    def test_a_code_cannot_be_used_twice(self, client, world):
        post_login(client, "bk", t.PASSWORD)
        client.get(reverse("accounts:otp"))
        device = TOTPDevice.objects.get(user=world.coordinator)
        code = current_code(device)
        assert client.post(reverse("accounts:otp"), {"token": code}).status_code == 302
        second = Client()
        second.post(LOGIN, {"username": "bk", "password": t.PASSWORD})
        response = second.post(reverse("accounts:otp"), {"token": code}, **EN)
        assert response.status_code == 200 and "The code is not right" in response.content.decode()

    def test_only_log_in_log_out_and_the_code_page_are_reachable_before_the_code(self, client, world):
        post_login(client, "bk", t.PASSWORD)
        assert client.get(reverse("accounts:otp")).status_code == 200
        assert client.get(reverse("core:about")).status_code == 302
        assert client.get("/konto/noe-annet/").status_code == 302  # a future page under /konto/ is not exempt
        assert client.post(reverse("accounts:logout")).status_code == 302
        assert "_auth_user_id" not in client.session

    def test_family_users_are_not_asked_for_a_second_factor(self, client, world):
        post_login(client, "forelder", t.PASSWORD)
        assert client.get(reverse("portal:overview", args=[world.family.pk])).status_code == 200  # the family's home

    def test_second_factor_is_on_by_default_in_production(self, tmp_path):
        values = production_settings(tmp_path)
        assert values["LOS_REQUIRE_STAFF_OTP"] is True


@pytest.mark.django_db
class TestIdleTimeout:
    def test_an_idle_session_is_logged_out_and_activity_keeps_it_alive(self, client, world):
        assert settings.SESSION_COOKIE_AGE == 1800 and settings.SESSION_SAVE_EVERY_REQUEST
        post_login(client, "bk", t.PASSWORD)
        start = timezone.now()
        with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=20)):
            assert client.get("/").status_code == 200  # activity after 20 minutes renews the session
        with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=45)):
            assert client.get("/").status_code == 200  # 25 minutes after the last activity: still in
        with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=45, seconds=1801)):
            response = client.get("/")  # more than 30 minutes without activity
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def production_settings(tmp_path: Path) -> dict:
    """The security settings as production computes them (in a fresh process)."""
    env = {**os.environ, "LOS_ENVIRONMENT": "production", "SECRET_KEY": "x" * 60,
           "LOS_AUDIT_KEY": "check-only:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY",
           "ALLOWED_HOSTS": "los.kommune.example", "LOS_VAR_DIR": str(tmp_path)}
    for name in ("DEBUG", "SECURE_COOKIES", "SECURE_SSL_REDIRECT", "LOS_REQUIRE_STAFF_OTP", "BEHIND_PROXY"):
        env.pop(name, None)
    names = ["SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT",
             "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
             "X_FRAME_OPTIONS", "LOS_REQUIRE_STAFF_OTP", "DEBUG", "SESSION_COOKIE_AGE", "SESSION_SAVE_EVERY_REQUEST"]
    code = ("import json, django; django.setup(); from django.conf import settings; "
            f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, text=True,  # noqa: S603
                            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"}, timeout=120, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
class TestSecurityHeaders:
    def test_csp_frame_denial_and_nosniff_on_a_family_page(self, client, world):
        client.force_login(world.coordinator)
        response = client.get(reverse("families:detail", args=[world.family.pk]))
        csp = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
        assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_production_sends_hsts_and_only_secure_cookies(self, client, world, tmp_path):
        values = production_settings(tmp_path)
        assert values["DEBUG"] is False and values["SECURE_SSL_REDIRECT"] is True
        assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
        assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["LANGUAGE_COOKIE_SECURE"]
        assert values["X_FRAME_OPTIONS"] == "DENY"
        assert values["SESSION_COOKIE_AGE"] == 1800 and values["SESSION_SAVE_EVERY_REQUEST"]
        applied = {k: v for k, v in values.items() if k not in ("LOS_REQUIRE_STAFF_OTP", "DEBUG")}
        with override_settings(**applied, LOS_REQUIRE_STAFF_OTP=False):
            plain = client.get(LOGIN)
            assert plain.status_code == 301 and plain["Location"].startswith("https://")
            page = client.get(LOGIN, secure=True)
            assert page["Strict-Transport-Security"].startswith(f"max-age={values['SECURE_HSTS_SECONDS']}")
            assert "includeSubDomains" in page["Strict-Transport-Security"]
            assert page.cookies["csrftoken"]["secure"]
            response = client.post(LOGIN, {"username": "bk", "password": t.PASSWORD,
                                           "csrfmiddlewaretoken": page.cookies["csrftoken"].value}, secure=True)
            assert response.status_code == 302
            session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
            assert session_cookie["secure"] and session_cookie["httponly"] and session_cookie["samesite"] == "Lax"

    def test_no_template_has_inline_script_style_or_event_handlers(self):
        roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR, "los").glob("*/templates")]
        inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
        offenders = []
        for root in roots:
            for path in root.rglob("*.html"):
                text = path.read_text(encoding="utf-8")
                if inline_script.search(text) or re.search(r"\sstyle\s*=", text, re.I) or re.search(
                        r"\son[a-z]+\s*=\s*[\"']", text, re.I) or "javascript:" in text.lower():
                    offenders.append(str(path.relative_to(settings.BASE_DIR)))
        assert not offenders, f"inline script, style or event handler in: {offenders}"


@pytest.mark.django_db
def test_pages_with_family_data_are_never_stored_by_browsers_or_proxies(client, world):
    client.force_login(world.coordinator)
    response = client.get(reverse("families:detail", args=[world.family.pk]))
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control
    client.logout()
    anonymous = client.get(reverse("core:about"))
    assert anonymous.status_code == 200
    assert "no-store" not in anonymous.get("Cache-Control", "")  # public pages may be cached as usual
