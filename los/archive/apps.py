from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "los.archive"
    verbose_name = _("Archive: journal and deposits (Noark 5)")

    def ready(self) -> None:
        from los.archive.retention import keep_until_deposited
        from los.ops import retention

        retention.register_keeper(keep_until_deposited)
