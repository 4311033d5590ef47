from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "los.portal"
    label = "portal"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Family portal")
