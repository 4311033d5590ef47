from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareDiaryConfig(AppConfig):
    name = "los.carediary"
    verbose_name = _("Care diary")
