from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransitionsConfig(AppConfig):
    name = "los.transitions"
    verbose_name = _("Transitions and the family's timeline")

    def ready(self) -> None:
        from django.core import checks

        from los.transitions.signing import check_signing_key

        checks.register(check_signing_key, checks.Tags.security)
