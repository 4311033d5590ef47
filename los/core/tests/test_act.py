"""``los.core.forms.act``: a button that changes something says what happened, or why not, and goes on."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from los.core.forms import ConflictError, act


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _said(request) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def test_done_says_so_and_goes_on():
    request = _request()
    response = act(request, lambda: 7, success=lambda n: f"/done/{n}/", failure="/back/",
                   message=lambda n: f"{n} saved.")
    assert response.status_code == 302 and response["Location"] == "/done/7/"
    assert _said(request) == [("success", "7 saved.")]


def test_refused_says_why_and_goes_to_the_failure_page():
    request = _request()

    def refuse():
        raise ValidationError(["Not now.", "Try later."])

    response = act(request, refuse, success="/done/", failure="/back/", message="Saved.")
    assert response["Location"] == "/back/"
    assert _said(request) == [("error", "Not now. Try later.")]


def test_a_conflict_can_be_said_in_the_pages_own_words():
    request = _request()

    def stale():
        raise ConflictError()

    response = act(request, stale, success="/plan/", message="Approved.", conflict="Read it again first.")
    assert response["Location"] == "/plan/"
    assert _said(request) == [("error", "Read it again first.")]
