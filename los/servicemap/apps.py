from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicemapConfig(AppConfig):
    name = "los.servicemap"
    verbose_name = _("Service map")
