"""The statistics keep one thing of their own: the figures "now" of a municipality as they were when a viewer
with small numbers hidden first asked for them in a calendar month (:class:`NowSnapshot`).

Figures about how things stand now (requests waiting, who has a barnekoordinator, transitions coming up, rights
likely missing) change from day to day; shown live, two looks a day apart could be subtracted to single out
what happened to one family in between. Protected viewers therefore see them as of the month's snapshot: they
change at most once a month. The snapshot holds counts only (no row per family).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from los.core.models import Municipality


class NowSnapshot(models.Model):
    """A municipality's figures "now", taken once per calendar month for protected viewers."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("municipality"))
    month = models.DateField(_("month"), help_text=_("The first day of the month the figures are for."))
    taken_on = models.DateField(_("taken on"))
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)
    figures = models.JSONField(_("figures"))

    class Meta:
        verbose_name = _("snapshot of the figures now")
        verbose_name_plural = _("snapshots of the figures now")
        constraints = [models.UniqueConstraint(fields=["municipality", "month"], name="stats_one_snapshot_a_month")]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.month:%Y-%m}"
