"""The template engine Los renders pages with: Django's, rendering every template *for the person asking*.

While a template renders during a request, the redaction step (``los.access.disclosure``) is active for the
request's user: every classified field a page, an htmx fragment, a PDF or a summary reads is asked about first.
A template rendered outside a request (a background task, a management command) renders for nobody in
particular; exports made for a person set their viewer themselves (``disclosure.disclosing_to``).
"""

from __future__ import annotations

from typing import Any

from django.template.backends.django import DjangoTemplates as _DjangoTemplates
from django.template.backends.django import Template as _Template

from los.access import disclosure
from los.access.middleware import request_viewer


class Template(_Template):
    def render(self, context: Any = None, request: Any = None) -> str:
        viewer = request_viewer(request)
        if viewer is None:
            return super().render(context, request)
        with disclosure.disclosing_to(viewer.user, viewer):
            return super().render(context, request)


class DjangoTemplates(_DjangoTemplates):
    def from_string(self, template_code: str) -> Template:
        return Template(self.engine.from_string(template_code), self)

    def get_template(self, template_name: str) -> Template:
        return Template(super().get_template(template_name).template, self)
