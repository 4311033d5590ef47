"""Operations data: what retention removed, what it must leave alone, and how the audit chain stays whole.

- :class:`AuditTombstone` keeps the link of an audit event that was removed together with its family (or
  after its retention time): the chain, the position, the hash before it and its own hash, signed with the
  installation's secret key. The content (who, what, when) is gone; the chain still verifies.
- :class:`AuditCheckpoint` replaces an unbroken run of tombstones at the start of a chain: "everything up
  to seq N is pruned, and event N had hash H", also signed.
- :class:`RetentionRun` and :class:`RetentionRecord` are the deletion log (kassasjonsliste): which case was
  deleted, when and under which rule, without the names of the people in it.
- :class:`RetentionHold` stops retention from deleting one family (a complaint, a lawsuit, an archive
  deposit that is not done yet).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from los.core.models import municipality_field, user_field
from los.families.models import Family


class AuditTombstone(models.Model):
    """The place of one removed audit event in its hash chain (no content)."""

    chain = models.CharField(max_length=10)
    seq = models.PositiveBigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    removed_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=100)
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["chain", "seq"]
        verbose_name = _("removed audit event")
        verbose_name_plural = _("removed audit events")
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="ops_tombstone_chain_seq_unique")]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} (removed)"


class AuditCheckpoint(models.Model):
    """Every event of ``chain`` up to and including ``seq`` has been removed; event ``seq`` had ``hash``."""

    chain = models.CharField(max_length=10, unique=True)
    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(default=timezone.now)
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["chain"]
        verbose_name = _("audit chain checkpoint")
        verbose_name_plural = _("audit chain checkpoints")

    def __str__(self) -> str:
        return f"{self.chain} pruned to {self.seq}"


class RetentionRun(models.Model):
    """One run of the retention rules, with its report."""

    started_at = models.DateTimeField(_("started"), default=timezone.now)
    today = models.DateField(_("reference date"))
    dry_run = models.BooleanField(_("dry run"), default=False)
    report = models.JSONField(_("report"), default=dict)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"{self.today} ({'dry run' if self.dry_run else 'applied'})"


class RetentionRecord(models.Model):
    """One deleted case in the deletion log: the case reference and counts, never the people's names."""

    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="records",
                            verbose_name=_("retention run"))
    municipality = municipality_field()
    reference = models.CharField(_("case reference"), max_length=30)
    status = models.CharField(_("status when deleted"), max_length=20)
    closed_on = models.DateField(_("closed"), null=True)
    rule = models.CharField(_("rule"), max_length=200)
    deleted_at = models.DateTimeField(_("deleted"), default=timezone.now)
    rows = models.JSONField(_("rows deleted per table"), default=dict)
    audit_events = models.PositiveIntegerField(_("audit events removed"), default=0)
    files = models.PositiveIntegerField(_("files deleted"), default=0)

    class Meta:
        ordering = ["-deleted_at"]
        verbose_name = _("deleted case")
        verbose_name_plural = _("deleted cases")

    def __str__(self) -> str:
        return f"{self.reference} ({self.deleted_at:%Y-%m-%d})"


class RetentionHold(models.Model):
    """Keep this family even when its retention time has passed (a pending complaint or lawsuit, or an
    archive deposit that is not done). Delete the hold to let the retention rules apply again."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="retention_holds",
                               verbose_name=_("family"))
    municipality = municipality_field()
    reason = models.CharField(_("reason"), max_length=300)
    until = models.DateField(_("hold until"), null=True, blank=True,
                             help_text=_("Leave empty to hold until the hold is removed."))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = user_field(_("created by"), on_delete=models.PROTECT)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("retention hold")
        verbose_name_plural = _("retention holds")

    def __str__(self) -> str:
        return f"{self.family}: {self.reason}"

    def save(self, *args, **kwargs):
        self.municipality_id = self.family.municipality_id
        super().save(*args, **kwargs)
