"""Families: the legal subject of the barnekoordinator scheme.

Norwegian terms:

- The *family* (familien), not only the child, is assigned a barnekoordinator (pbrl § 2-5 c).
- *Foreldreansvar* = parental responsibility. Parents who share it may live apart; both have rights.
- *Daglig omsorg* = daily care: who the child lives with. In foster care (*fosterhjem*) the foster
  parents have daily care, child welfare (*barnevern*) holds the care order, and the biological
  parents keep some rights. Who may consent to what is recorded per member, never assumed.
- *Fødselsnummer* = the 11-digit national identity number. Los validates it with python-stdnum.
- *Søsken* = siblings: people with their own needs, not a footnote.
- *Barnekoordinator* = the children's coordinator appointed by the coordinating unit; the history of
  coordinators is kept in :class:`CoordinatorAssignment`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.no import fodselsnummer

from los.core.models import Municipality, municipality_field, user_field, version_field


def validate_fodselsnummer(value: str) -> None:
    try:
        fodselsnummer.validate(value)
    except StdnumValidationError as exc:
        raise ValidationError(
            _("This is not a valid fødselsnummer. Check the 11 digits."), code="invalid_fnr"
        ) from exc


class ConditionCategory(models.TextChoices):
    """Condition categories; the values match the navigator profile."""

    PHYSICAL = "physical", _("Physical disability")
    NEUROLOGICAL = "neurological", _("Neurological condition")
    INTELLECTUAL = "intellectual", _("Intellectual disability")
    DEVELOPMENTAL = "developmental", _("Developmental disorder")
    AUTISM = "autism", _("Autism")
    PSYCHIATRIC = "psychiatric", _("Mental health condition")
    CHRONIC_SOMATIC = "chronic_somatic", _("Chronic illness")
    HEARING = "hearing", _("Hearing impairment")
    VISION = "vision", _("Vision impairment")
    RARE_DIAGNOSIS = "rare_diagnosis", _("Rare diagnosis")
    LIFE_LIMITING = "life_limiting", _("Life-limiting condition")
    UNDIAGNOSED = "undiagnosed", _("Not yet diagnosed")


class Setting(models.TextChoices):
    HOME = "home", _("At home")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    PRIMARY = "primary_school", _("Primary school")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary school")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary school")
    NONE = "none", _("None of these")


class FamilyStatus(models.TextChoices):
    REQUESTED = "requested", _("Request received")
    ACTIVE = "active", _("Has a barnekoordinator")
    WAITING = "waiting", _("Granted, waiting for a coordinator")
    REFUSED = "refused", _("Request refused")
    CLOSED = "closed", _("Closed")


class Family(models.Model):
    """The family: the legal subject that is assigned a barnekoordinator."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="families",
                                     verbose_name=_("municipality"))
    reference = models.CharField(_("case reference"), max_length=30)
    display_name = models.CharField(_("family name for display"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=FamilyStatus.choices,
                              default=FamilyStatus.REQUESTED)
    preferred_language = models.CharField(
        _("written language for letters"), max_length=2, default="nb",
        choices=[("nb", "Bokmål"), ("nn", "Nynorsk"), ("en", "English")],
    )
    needs_interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    interpreter_language = models.CharField(_("interpreter language"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    version = version_field()

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("family")
        verbose_name_plural = _("families")
        constraints = [models.UniqueConstraint(fields=["municipality", "reference"], name="family_reference_unique")]
        indexes = [models.Index(fields=["municipality", "status"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def family(self) -> Family:
        return self


class Child(models.Model):
    """A child with a serious illness, injury or reduced function in the family (or an expected child)."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="children", verbose_name=_("family"))
    municipality = municipality_field()
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    fodselsnummer = models.CharField(_("fødselsnummer"), max_length=11, blank=True,
                                     validators=[validate_fodselsnummer])
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    expected_birth_date = models.DateField(_("expected date of birth"), null=True, blank=True,
                                           help_text=_("For a family expecting a child."))
    condition_categories = models.JSONField(_("condition categories"), default=list, blank=True)
    condition_summary = models.TextField(_("about the condition"), blank=True)
    setting = models.CharField(_("daily setting"), max_length=20, choices=Setting.choices, default=Setting.HOME)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="child_record",
                                help_text=_("Young people from 16 may log in and control their own health information."))
    shares_health_with_guardians = models.BooleanField(
        _("from 16: shares health information with guardians"), default=True,
        help_text=_("From the age of 16 the young person decides over their own health information."),
    )

    class Meta:
        ordering = ["birth_date"]
        verbose_name = _("child")
        verbose_name_plural = _("children")

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def clean(self) -> None:
        if self.fodselsnummer:
            validate_fodselsnummer(self.fodselsnummer)
            self.birth_date = fodselsnummer.get_birth_date(self.fodselsnummer)
        if not self.birth_date and not self.expected_birth_date:
            raise ValidationError(_("Give a fødselsnummer, a date of birth or an expected date of birth."))
        unknown = set(self.condition_categories or []) - set(ConditionCategory.values)
        if unknown:
            raise ValidationError({"condition_categories": _("Unknown condition category.")})

    def age_on(self, day: date) -> int | None:
        """Whole years on ``day``; ``-1`` for an expected child; None when unknown."""
        if self.birth_date is None:
            return -1 if self.expected_birth_date else None
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    def eighteenth_birthday(self) -> date | None:
        if self.birth_date is None:
            return None
        try:
            return self.birth_date.replace(year=self.birth_date.year + 18)
        except ValueError:  # born 29 February
            return date(self.birth_date.year + 18, 3, 1)


class Relation(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    PARENT = "parent", _("Parent")
    STEP_PARENT = "step_parent", _("Step-parent")
    FOSTER_PARENT = "foster_parent", _("Foster parent")
    GUARDIAN = "guardian", _("Appointed guardian")
    SIBLING = "sibling", _("Sibling")
    GRANDPARENT = "grandparent", _("Grandparent")
    OTHER = "other", _("Other")


GUARDIAN_RELATIONS = frozenset({"mother", "father", "parent", "foster_parent", "guardian", "step_parent"})


class FamilyMember(models.Model):
    """A person in the family other than the child with needs: guardians, siblings, others.

    ``parental_responsibility`` (foreldreansvar) and ``daily_care`` (daglig omsorg) are recorded per
    person. ``may_consent`` says whether this person can give consent on the family's behalf; for a
    child in foster care this is usually the biological parents with parental responsibility or the
    child welfare service, not the foster parents.
    """

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="members", verbose_name=_("family"))
    municipality = municipality_field()
    relation = models.CharField(_("relation to the child"), max_length=20, choices=Relation.choices)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    fodselsnummer = models.CharField(_("fødselsnummer"), max_length=11, blank=True,
                                     validators=[validate_fodselsnummer])
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    parental_responsibility = models.BooleanField(_("has parental responsibility"), default=False)
    daily_care = models.BooleanField(_("has daily care"), default=False)
    may_consent = models.BooleanField(_("may consent on the family's behalf"), default=False)
    lives_with_child = models.BooleanField(_("lives with the child"), default=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    needs = models.TextField(_("own needs"), blank=True,
                             help_text=_("For siblings and carers: what they need themselves."))
    #: Optimistic locking of ``needs``, which every guardian and the barnekoordinator may change.
    version = version_field()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="family_memberships", verbose_name=_("log-in"))

    class Meta:
        ordering = ["relation", "given_name"]
        verbose_name = _("family member")
        verbose_name_plural = _("family members")
        indexes = [models.Index(fields=["user", "family"])]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name} ({self.get_relation_display()})"

    def clean(self) -> None:
        if self.fodselsnummer:
            validate_fodselsnummer(self.fodselsnummer)
            self.birth_date = fodselsnummer.get_birth_date(self.fodselsnummer)

    @property
    def is_guardian(self) -> bool:
        return self.relation in GUARDIAN_RELATIONS and (self.parental_responsibility or self.daily_care)


def person_name(row: Any) -> str:
    """The name of the person ``row`` points to: its ``family_member``, else its ``child``, else its ``user``; ""
    when it points to none of them (a coordination group member, a plan participant)."""
    if row.family_member_id:
        return f"{row.family_member.given_name} {row.family_member.family_name}"
    if row.child_id:
        return f"{row.child.given_name} {row.child.family_name}"
    if row.user_id:
        return row.user.get_full_name() or row.user.username
    return ""


def running_on(today: date) -> models.Q:
    """An assignment (as barnekoordinator or as a colleague on the family) that runs on ``today``: started, and not
    ended."""
    return models.Q(started__lte=today) & (models.Q(ended__isnull=True) | models.Q(ended__gt=today))


class CoordinatorAssignment(models.Model):
    """Which barnekoordinator a family has, from when to when. History is never deleted;
    a change of coordinator ends one row and starts another (a handover)."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="coordinator_assignments",
                               verbose_name=_("family"))
    municipality = municipality_field()
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="coordinator_assignments", verbose_name=_("barnekoordinator"))
    started = models.DateField(_("started"))
    ended = models.DateField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)

    class Meta:
        ordering = ["-started"]
        verbose_name = _("coordinator assignment")
        verbose_name_plural = _("coordinator assignments")
        indexes = [
            models.Index(fields=["coordinator", "ended"]),
            models.Index(fields=["family", "ended"]),
        ]

    def __str__(self) -> str:
        return f"{self.coordinator} → {self.family}"

    @property
    def is_active(self) -> bool:
        return self.ended is None or self.ended > timezone.localdate()


class CoRole(models.TextChoices):
    """What a colleague does alongside the family's barnekoordinator."""

    CO_COORDINATOR = "co_coordinator", _("Co-coordinator")
    MINUTE_TAKER = "minute_taker", _("Minute-taker")


class CoAssignment(models.Model):
    """A colleague who shares the work on one family with its barnekoordinator, so that no one is alone in the
    role: a *co-coordinator* (medkoordinator) who can stand in, or a *minute-taker* (referent) who writes the
    minutes while the coordinator leads the meeting.

    What each may see and do is decided by the access policy (``los.access.policy``, rule 3b):

    - a co-coordinator sees and changes the case as the coordinator does, except the consent register's
      giving and withdrawing (only the family gives consent), the family's access log, and the coordinator's
      working notes, which they see only when ``sees_working_notes`` is set (the coordinator decides);
    - a minute-taker sees the basic case information, the meetings (also of a fagmøte, and minutes not yet
      approved) and the individual plan (to read the agenda), and changes only the meetings: nothing else.

    The colleague must hold an active barnekoordinator role in a municipality that serves the family; a
    colleague at the same workplace gets nothing from this unless they are named here. History is kept: ending
    sets ``ended``.
    """

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="co_assignments",
                               verbose_name=_("family"))
    municipality = municipality_field()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="co_assignments",
                             verbose_name=_("colleague"))
    role = models.CharField(_("works as"), max_length=20, choices=CoRole.choices)
    sees_working_notes = models.BooleanField(
        _("may read and write the working notes"), default=False,
        help_text=_("Only for a co-coordinator, and only when you want them to: the working notes and the contact "
                    "log entries not shared with the family."))
    started = models.DateField(_("from"), default=timezone.localdate)
    ended = models.DateField(_("until"), null=True, blank=True)
    added_by = user_field(_("added by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["-started", "-id"]
        verbose_name = _("colleague on the family")
        verbose_name_plural = _("colleagues on the family")
        indexes = [
            models.Index(fields=["user", "ended"]),
            models.Index(fields=["family", "ended"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) → {self.family}"

    def is_active_on(self, day: date) -> bool:
        return self.started <= day and (self.ended is None or self.ended > day)

    @property
    def is_active(self) -> bool:
        return self.is_active_on(timezone.localdate())
