from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

#: The models the access policy's facts are read from (``policy.remembered_facts``).
FACT_MODELS = (
    "families.FamilyMember", "families.Child", "families.CoordinatorAssignment", "families.CoAssignment",
    "access.Consent",
    "access.FamilyTransfer", "accounts.StaffRole", "core.MunicipalityAgreement", "meetings.Meeting",
)


class AccessConfig(AppConfig):
    name = "los.access"
    verbose_name = _("Access, consent and audit")

    def ready(self) -> None:
        from django.apps import apps
        from django.core import checks

        from los.access import disclosure
        from los.access.audit_keys import check_keys
        from los.access.policy import forget_facts

        checks.register(check_keys, checks.Tags.security)
        disclosure.install()

        for label in FACT_MODELS:
            model = apps.get_model(label)
            post_save.connect(forget_facts, sender=model, dispatch_uid=f"los-forget-facts-save-{label}")
            post_delete.connect(forget_facts, sender=model, dispatch_uid=f"los-forget-facts-delete-{label}")
