"""The working day of the coordinator and the coordinating unit: what to do today, finding any family, and the start
guide for a new barnekoordinator.

The today pages and the search own no data of their own: they read the other apps' rows, always starting from the
access policy (``los.access.policy.visible_families``). The one model here is the unit's start guide.

Norwegian terms: *oppstartsguide* = start guide; *rutiner* = the municipality's routines.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from los.core.models import Municipality, user_field, version_field

GUIDE_LANGUAGES = [("nb", "Bokmål"), ("nn", "Nynorsk"), ("en", "English")]


class StartGuide(models.Model):
    """The coordinating unit's start guide for a new barnekoordinator, in one language: the first 30 days, step by
    step, from the municipality's own routines. Until the unit writes its own, Los shows its default text
    (:mod:`los.workday.guide`). ``version`` is the optimistic lock: two leaders editing at once do not overwrite
    each other."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("municipality"))
    language = models.CharField(_("language"), max_length=2, choices=GUIDE_LANGUAGES)
    text = models.TextField(_("the guide"))
    version = version_field()
    updated_by = user_field(_("last changed by"))
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("start guide")
        verbose_name_plural = _("start guides")
        constraints = [models.UniqueConstraint(fields=["municipality", "language"], name="start_guide_per_language")]

    def __str__(self) -> str:
        return f"{self.municipality} ({self.language})"
