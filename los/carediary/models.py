"""The care diary (*pleiedagbok*): what the family does for the child day by day, beyond what is usual for the age.

Writing down "how many hours we spend on the child" is among the heaviest things parents do when they apply for
*hjelpestønad* (NAV's attendance benefit, folketrygdloven § 6-4), *omsorgsstønad* (the municipality's care
allowance, helse- og omsorgstjenesteloven § 3-6) or *pleiepenger* (NAV's care benefit, folketrygdloven chapter 9),
and when they appeal a refusal. The diary makes it a few taps a day: the guardians (or the barnekoordinator with
them) record the day's extra supervision (*tilsyn*), the care (*pleie*: feeding, medicines, personal care, training)
and the night (how many times the child woke the family, and how long they were up). Los sums it by week and month
in the form NAV and the municipality ask for and makes a dated PDF attachment (:mod:`los.carediary.pdf`). Nothing is
sent anywhere: the family downloads the attachment and sends it with its application through the agency's own
channel.

Information category: **health** (``Category.HEALTH``). How much supervision and care a child needs day and night,
and why, describes the child's illness or disability as surely as a diagnosis does: it is health information under
the duty of confidentiality, and special category data (GDPR art. 9). Through the one access policy that means:
the guardians, the barnekoordinator and the coordinating unit see it; a service sees it only under a consent that
covers health information; a young person aged 16 or more who has not shared their health information with their
guardians keeps it from them (each row names its ``child``). The diary is not the family's *story* (their own words
to the services, which any consent to the story would open) and not a working note (the family must read it).
Guardians and the young person *own* the diary (:meth:`CareDiary.access_owner_ids`), so they may keep it although
health information is otherwise not family-editable; a service never may.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from los.core.models import family_field, municipality_field, user_field, version_field
from los.families.models import Child, Family, FamilyMember

#: Upper bound for a day's minutes of one kind (24 hours).
DAY_MINUTES = 24 * 60


def _owners(family_id: int, child_id: int | None) -> list[int]:
    ids = [m.user_id for m in FamilyMember.objects.filter(family_id=family_id, user__isnull=False) if m.is_guardian]
    if child_id:
        child_user = Child.objects.filter(pk=child_id).values_list("user_id", flat=True).first()
        if child_user:
            ids.append(child_user)
    return ids


class CareDiary(models.Model):
    """One child's care diary (see the module docstring). Made the first time a day is recorded."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="care_diaries",
                               verbose_name=_("family"))
    municipality = municipality_field()
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="care_diaries", verbose_name=_("child"))
    usual_for_age = models.TextField(
        _("what is usual for a child of the same age"), blank=True,
        help_text=_("So that the reader knows what you count as extra: for example “a 9-year-old dresses, eats "
                    "and goes to the toilet alone and sleeps through the night”."))
    created_by = user_field(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = version_field()

    class Meta:
        verbose_name = _("care diary")
        verbose_name_plural = _("care diaries")
        constraints = [models.UniqueConstraint(fields=["child"], name="care_diary_one_per_child")]

    def __str__(self) -> str:
        return f"{_('Care diary')} – {self.child_id}"

    def access_owner_ids(self) -> list[int]:
        """The family's guardians with a log-in, and the young person for their own diary."""
        return _owners(self.family_id, self.child_id)


class DiaryDay(models.Model):
    """One day in the care diary: minutes of extra supervision and of care, and the night before the next
    morning (times the child woke the family, minutes up). ``version`` guards against two guardians saving the
    same day at once."""

    family = family_field()
    municipality = municipality_field()
    diary = models.ForeignKey(CareDiary, on_delete=models.PROTECT, related_name="days", verbose_name=_("diary"))
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+", verbose_name=_("child"))
    day = models.DateField(_("day"))
    supervision_minutes = models.PositiveIntegerField(_("extra supervision (minutes)"), default=0)
    care_minutes = models.PositiveIntegerField(_("care (minutes)"), default=0)
    night_wakings = models.PositiveSmallIntegerField(_("times woken at night"), default=0)
    night_minutes = models.PositiveIntegerField(_("up at night (minutes)"), default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = user_field(editable=False)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    version = version_field()

    class Meta:
        ordering = ["-day"]
        verbose_name = _("day in the care diary")
        verbose_name_plural = _("days in the care diary")
        constraints = [models.UniqueConstraint(fields=["diary", "day"], name="diary_day_once")]
        indexes = [models.Index(fields=["diary", "day"])]

    def __str__(self) -> str:
        return f"{self.day:%d.%m.%Y}"

    @property
    def extra_minutes(self) -> int:
        return self.supervision_minutes + self.care_minutes

    @property
    def night_disturbed(self) -> bool:
        return bool(self.night_wakings or self.night_minutes)

    def access_owner_ids(self) -> list[int]:
        return _owners(self.family_id, self.child_id)
