from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicemapConfig(AppConfig):
    name = "los.servicemap"
    label = "servicemap"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Service map")
