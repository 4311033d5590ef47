from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "los.plans"
    label = "plans"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Individual plans")
