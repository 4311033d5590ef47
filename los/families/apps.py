from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "los.families"
    label = "families"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Families")
