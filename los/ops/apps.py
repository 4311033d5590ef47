from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "los.ops"
    verbose_name = _("Operations: backup, retention and audit pruning")
