from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NavigatorConfig(AppConfig):
    name = "los.navigator"
    label = "navigator"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Navigator")
