"""The form renderer: Jinja2 for form widgets, with the Django template engine for the templates only it has."""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template.exceptions import TemplateDoesNotExist
from django.utils.functional import cached_property


class FormRenderer(Jinja2):
    """Los's forms are rendered with Jinja2 (Django's own widget templates for it, and the apps' ``jinja2/``
    folders): the same HTML as the Django template engine at a fraction of the cost on pages with many fields.
    A widget template that exists only as a Django template (the admin's related-object wrapper and raw-id
    lookup, the password hash of the user admin) is rendered by the Django template engine instead."""

    @cached_property
    def _django(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)
