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


class PrecomputedFigures(models.Model):
    """A statistics page's figures for one choice of municipalities, filter and language, rendered ahead of time
    (``los.stats.precomputed``).

    Working the figures out over a municipality's families costs far more than showing them, and every viewer
    with the same choice sees the same figures (the unit's dashboard counts every family of the municipalities
    chosen; protected figures are hidden before they are rendered). The page shows the stored figures while they
    are younger than ``LOS_STATS_FIGURES_MAX_AGE`` and works them out again otherwise; the background task
    ``los.stats.tasks.refresh_statistics`` keeps the figures asked for in the last day current. Counts and
    coordinators' names only, never a row per family.
    """

    key = models.CharField(_("key"), max_length=64, unique=True,
                           help_text=_("A digest of the page, the municipalities, the filter, the day and the language."))
    page = models.CharField(_("page"), max_length=20)
    spec = models.JSONField(_("choice"), help_text=_("The municipalities and the filter the figures are for."))
    day = models.DateField(_("day"))
    language = models.CharField(_("language"), max_length=8)
    html = models.TextField(_("figures"))
    now_on = models.DateField(_("figures now as of"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    asked_at = models.DateTimeField(_("last asked for"))

    class Meta:
        verbose_name = _("precomputed figures")
        verbose_name_plural = _("precomputed figures")
        indexes = [models.Index(fields=["asked_at"], name="stats_precomputed_asked")]

    def __str__(self) -> str:
        return f"{self.page} {self.day} {self.language}"
