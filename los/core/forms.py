"""The one way a page changes something with a form, and the one error for a stale version.

A view that edits something reads the same in every app::

    form = GoalForm(request.POST or None, initial=...)
    return form_action(
        request, form, lambda: services.update_goal(goal, by=request.user, **form.service_kwargs()),
        success=_plan_url(plan, "goals"), message=_("The goal is saved."),
        page=lambda status: render(request, "plans/form_page.html", {"form": form, ...}, status=status))

- GET (an unbound form): the page, 200.
- POST with a valid form: ``save()`` calls the service. A :class:`ConflictError` (someone else saved first) or a
  ``ValidationError`` is put on the form (a field's message at the field, the rest at the top) and the page is
  rendered again with what was typed: 409 for a conflict, 400 otherwise. After a conflict the form's hidden
  ``version`` is moved to the saved one, so that saving again is a choice made after seeing what is there now.
- POST with an invalid form: the page with the form's messages, 400.
- Success: the success message (text, or a function of what ``save`` returned) and a redirect to ``success`` (a
  URL, or a function of the result that gives a URL or a response, such as an htmx fragment).

The page's error summary (``core/_errors.html``) has ``role="alert"`` and is focused, so that a keyboard or
screen-reader user lands on what to fix. An htmx request gets its fragment with 200 whatever happened (htmx swaps
only successful answers); the fragment carries the messages.

A button that changes something with nothing to fill in (mark done, remove, sign, withdraw) is :func:`act`::

    return act(request, lambda: services.set_task_done(task, by=request.user, done=True, version=version),
               success=_plan_url(plan, "tasks"), message=_("The task is marked as done."))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _


class ConflictError(ValidationError):
    """Someone else saved the same thing after the user opened it (optimistic locking on ``version``).

    Every service raises this for a stale version and changes nothing. ``current`` is the row as it is saved now
    when the service has it (its ``version`` moves the form on; a page may show it beside what the user wrote)."""

    def __init__(self, message: Any = None, *, current: Any = None):
        super().__init__(message or _("Someone else changed this while you were working on it. Your changes were "
                                      "not saved: check what is there now and try again."), code="conflict")
        self.current = current

    def __str__(self) -> str:
        return " ".join(str(m) for m in self.messages)


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form: a message about a field at the field, the rest at the top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def set_version(form: forms.BaseForm, version: int, name: str = "version") -> None:
    """Keep what the user typed but move the form's hidden version field to ``version``."""
    data = form.data.copy()
    data[form.add_prefix(name)] = str(version)
    form.data = data


class ServiceFormMixin:
    """For a form whose values go to a service: its errors onto the form, and the version moved after a conflict."""

    def apply_errors(self, error: ValidationError) -> None:
        apply_errors(self, error)

    def set_version(self, version: int, name: str = "version") -> None:
        set_version(self, version, name)


def style_inputs(form: forms.BaseForm) -> None:
    """The Designsystemet class ``ds-input`` on every widget of ``form`` that is not hidden."""
    for field in form.fields.values():
        if not field.widget.is_hidden:
            field.widget.attrs.setdefault("class", "ds-input")


class StyledForm(forms.Form):
    """Adds the Designsystemet class ``ds-input`` to every widget that is not hidden."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_inputs(self)


class DescribedInputs:
    """Designsystemet's class on every input that is not hidden, and each field's help text and error message
    linked to its input (WCAG 2.1: 1.3.1, 3.3.1): ``aria-describedby`` names ``<id>-help`` and ``<id>-error``, and
    ``aria-invalid`` marks a field in error. The page's field template gives the messages those ids.

    ``message_ids_from_auto_id``: the ids start with the input's own id (``id_name``) rather than the field's name;
    ``error_first``: the error is named before the help text."""

    message_ids_from_auto_id = False
    error_first = False

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.describe_inputs()

    def _message_id(self, name: str, kind: str) -> str:
        return f"{self.auto_id % name if self.message_ids_from_auto_id else name}-{kind}"

    def describe_inputs(self) -> None:
        """Style and link every field (again after fields are added in ``__init__``)."""
        style_inputs(self)
        for name, field in self.fields.items():
            if field.help_text and not field.widget.is_hidden:
                field.widget.attrs["aria-describedby"] = self._message_id(name, "help")

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                described, error_id = attrs.get("aria-describedby", ""), self._message_id(name, "error")
                if error_id not in described.split():
                    parts = [error_id, described] if self.error_first else [described, error_id]
                    attrs["aria-describedby"] = " ".join(parts).strip()


class Failed:
    """What :func:`submit` returns when the form or the service said no (the messages are on the form)."""

    def __init__(self, conflict: ConflictError | None = None):
        self.conflict = conflict

    def __bool__(self) -> bool:
        return False


def submit(form: forms.BaseForm, save: Callable[[], Any]) -> Any:
    """Validate a bound form and call ``save()``; return what it returned, or :class:`Failed` with the service's
    messages on the form. A conflict is also kept on the form as ``form.conflict`` for the page to show."""
    form.conflict = None
    if not form.is_valid():
        return Failed()
    try:
        return save()
    except ConflictError as error:
        apply_errors(form, error)
        form.conflict = error
        current_version = getattr(error.current, "version", None)
        if current_version is not None and "version" in form.fields:
            set_version(form, current_version)
        return Failed(error)
    except ValidationError as error:
        apply_errors(form, error)
        return Failed()


def form_action(request: HttpRequest, form: forms.BaseForm, save: Callable[[], Any], *,
                success: str | Callable[[Any], str | HttpResponse], page: Callable[[int], HttpResponse],
                message: str | Callable[[Any], str] = "",
                fragment: Callable[[Any, str], HttpResponse] | None = None) -> HttpResponse:
    """The view of a form that changes something: see the module's docstring. With ``fragment``, an htmx request
    that succeeds gets ``fragment(result, message)`` (the part of the page it replaces, with the message in it)
    instead of the redirect."""
    if not form.is_bound:
        return page(200)
    htmx = bool(getattr(request, "htmx", False))
    result = submit(form, save)
    if isinstance(result, Failed):
        status = 409 if result.conflict is not None else 400
        return page(200 if htmx else status)
    text = message(result) if callable(message) else message
    if fragment is not None and htmx:
        return fragment(result, text)
    if text:
        messages.success(request, text)
    target = success(result) if callable(success) else success
    return target if isinstance(target, HttpResponse) else redirect(target)


def error_text(error: ValidationError) -> str:
    """A service's ``ValidationError`` as one line for a page's message."""
    return " ".join(error.messages)


def act(request: HttpRequest, do: Callable[[], Any], *, success: str | Callable[[Any], str],
        message: str | Callable[[Any], str] = "", conflict: str = "", failure: str = "") -> HttpResponse:
    """The view of a button that changes something with nothing to fill in: call ``do()``; a ``ValidationError``
    becomes an error message (``conflict``, when given, says it instead for a :class:`ConflictError`), otherwise
    the success message (text, or a function of what ``do`` returned). Then a redirect to ``success`` (a URL, or a
    function of the result that gives one), or to ``failure`` when it is given and ``do`` said no (needed when
    ``success`` is a function)."""
    try:
        result = do()
    except ValidationError as error:
        messages.error(request, conflict if conflict and isinstance(error, ConflictError) else error_text(error))
        return redirect(failure or success)
    text = message(result) if callable(message) else message
    if text:
        messages.success(request, text)
    return redirect(success(result) if callable(success) else success)
