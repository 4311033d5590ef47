<<<<<<< HEAD
"""The form renderer: Jinja2 for form widgets, with the Django template engine for the templates only it has."""
=======
"""The form renderer: Jinja2 for form widgets, Django's template engine for the admin site's own widgets."""
>>>>>>> sec-audit

from __future__ import annotations

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template.exceptions import TemplateDoesNotExist
from django.utils.functional import cached_property


class FormRenderer(Jinja2):
<<<<<<< HEAD
    """Los's forms are rendered with Jinja2 (Django's own widget templates for it, and the apps' ``jinja2/``
    folders): the same HTML as the Django template engine at a fraction of the cost on pages with many fields.
    A widget template that exists only as a Django template (the admin's related-object wrapper and raw-id
    lookup, the password hash of the user admin) is rendered by the Django template engine instead."""
=======
    """Form widgets are rendered with Jinja2 (Django's own widget templates for it), which is several times faster
    on pages with many fields. The admin site's widgets (``admin/widgets/...``: the related-object wrapper, raw id
    and autocomplete inputs) exist only as Django templates; they are rendered with Django's engine, so that the
    admin's forms work (they answered 500 with the Jinja2 renderer alone)."""
>>>>>>> sec-audit

    @cached_property
    def _django(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)
