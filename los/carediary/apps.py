from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareDiaryConfig(AppConfig):
    name = "los.carediary"
    label = "carediary"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Care diary")
