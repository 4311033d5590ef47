from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "los.api"
    label = "api"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("API")
