from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "los.access"
    label = "access"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Access, consent and audit")
