from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "los.stats"
    label = "stats"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Statistics")
