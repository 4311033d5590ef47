from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "los.referrals"
    verbose_name = _("Requests and decisions")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from los.referrals.signals import tell_about_pending_public_requests

        user_logged_in.connect(tell_about_pending_public_requests, dispatch_uid="referrals_pending_public")
