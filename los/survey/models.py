"""What families say: a short questionnaire to the family, measured the way the national evaluation measures.

The national evaluation of the barnekoordinator scheme asks families whether the road to their services was
unnecessarily heavy, whether the services are coordinated, whether what they get depends on individuals, what the
coordinator does, and how satisfied they are with the coordinator and the individual plan (*individuell plan*).
Los asks the same at set moments and shows the municipality where it stands (``los.survey.figures``).

Two models, kept apart on purpose:

- :class:`Invitation` belongs to the family (``family``, ``municipality``; category ``survey``, which only the
  family sees): the moment it was asked (three months after a barnekoordinator was appointed, yearly, when the
  barnekoordinator ended), for whom (the guardians, or a child from 12), until when, and whether the family has
  dealt with it (``closed_on``, the same whether the family answered or said no thanks). It holds a random
  ``secret``.
- :class:`Answer` holds what the family said and only what the figures need: municipality, calendar year and
  quarter, moment, who answered (guardian or child), the answers. It has no family, no person, no invitation, no time
  of day and a random primary key, so that no one using Los, the API, the statistics or an export can join it
  back to a family. Its ``receipt`` is a keyed hash of the invitation's secret (:func:`receipt_for`): the
  family's own pages compute it to find, show and delete the family's own answers; without the application's
  secret key the column says nothing. The method and its limits are in ``docs/statistics.md``.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from los.core.models import municipality_field
from los.families.models import Child, Family

#: Which version of the questionnaire an answer was given to (the wording in ``questions.py``).
QUESTIONNAIRE_VERSION = 1
RECEIPT_SALT = "los.survey.receipt"


class Moment(models.TextChoices):
    """When a family is asked."""

    THREE_MONTHS = "three_months", _("Three months after the barnekoordinator was appointed")
    YEARLY = "yearly", _("Once a year")
    ENDING = "ending", _("When the barnekoordinator ended")


class Respondent(models.TextChoices):
    GUARDIAN = "guardian", _("Guardian")
    CHILD = "child", _("Child or young person (12 or older)")


def new_secret() -> str:
    return secrets.token_hex(32)


def receipt_for(secret: str, key: str | None = None) -> str:
    """The answer's receipt for an invitation's secret: HMAC-SHA256 keyed with the application's secret key
    (``key``: one of ``SECRET_KEY_FALLBACKS`` after a key change)."""
    return salted_hmac(RECEIPT_SALT, secret, secret=key, algorithm="sha256").hexdigest()


def receipts_for(secret: str) -> list[str]:
    """The receipt under the current secret key and under each fallback key (an answer given before the key was
    changed is still the family's)."""
    keys = [None, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [receipt_for(secret, key) for key in keys]


class Invitation(models.Model):
    """The family is asked to answer the questionnaire (the guardians' version, or a child's from 12).

    ``by_own_login``: the child's invitation was made for a young person (16 or older) with an own log-in, who is
    told by e-mail and answers there. The access policy keeps a questionnaire about a young person of 16 or more with
    an own log-in to that young person (not the guardians). A younger child answers on a guardian's device when the
    guardian hands it over, and the guardians see those answers like the rest of the family's.
    ``closed_on`` is set when the family answers *or* says no thanks, and says nothing about which.
    """

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="survey_invitations",
                               verbose_name=_("family"))
    municipality = municipality_field()
    moment = models.CharField(_("moment"), max_length=20, choices=Moment.choices)
    due_on = models.DateField(_("asked from"))
    expires_on = models.DateField(_("open until"))
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("child"))
    by_own_login = models.BooleanField(_("for the young person's own log-in"), default=False)
    secret = models.CharField(max_length=64, default=new_secret, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    closed_on = models.DateField(_("dealt with"), null=True, blank=True)

    class Meta:
        ordering = ["-due_on", "child_id", "pk"]
        verbose_name = _("invitation to the questionnaire")
        verbose_name_plural = _("invitations to the questionnaire")
        constraints = [
            models.UniqueConstraint(fields=["family", "moment", "due_on"], condition=models.Q(child__isnull=True),
                                    name="survey_one_guardian_invitation_per_moment"),
            models.UniqueConstraint(fields=["family", "moment", "due_on", "child"],
                                    condition=models.Q(child__isnull=False),
                                    name="survey_one_child_invitation_per_moment"),
        ]
        indexes = [models.Index(fields=["family", "closed_on"]), models.Index(fields=["municipality", "due_on"])]

    def __str__(self) -> str:
        return f"{self.get_moment_display()} {self.due_on}"

    @property
    def respondent(self) -> str:
        return Respondent.CHILD if self.child_id else Respondent.GUARDIAN

    def is_open_on(self, day) -> bool:
        return self.closed_on is None and self.due_on <= day <= self.expires_on

    def receipts(self) -> list[str]:
        return receipts_for(self.secret)


class Answer(models.Model):
    """One family's (or one child's) answers, apart from the family: see the module docstring.

    Every question may be left out (``None``); ``0`` is "don't know" and ``9`` "we have no individual plan".
    The codes and their wording are in :mod:`los.survey.questions`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = municipality_field()
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    moment = models.CharField(_("moment"), max_length=20, choices=Moment.choices)
    respondent = models.CharField(_("who answered"), max_length=10, choices=Respondent.choices)
    version = models.PositiveSmallIntegerField(default=QUESTIONNAIRE_VERSION)
    receipt = models.CharField(max_length=64, unique=True, editable=False)
    # the guardians' questionnaire
    road_heavy = models.PositiveSmallIntegerField(null=True, blank=True)
    coordinated = models.PositiveSmallIntegerField(null=True, blank=True)
    depends_on_people = models.PositiveSmallIntegerField(null=True, blank=True)
    rights_overview = models.PositiveSmallIntegerField(null=True, blank=True)
    application_help = models.PositiveSmallIntegerField(null=True, blank=True)
    coordinator_satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    coordinator_use = models.PositiveSmallIntegerField(null=True, blank=True)
    plan_satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    plan_use = models.PositiveSmallIntegerField(null=True, blank=True)
    # the child's questionnaire (from 12)
    child_together = models.PositiveSmallIntegerField(null=True, blank=True)
    child_listened = models.PositiveSmallIntegerField(null=True, blank=True)
    child_knows_whom = models.PositiveSmallIntegerField(null=True, blank=True)
    # the open question, in both
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("answer to the questionnaire")
        verbose_name_plural = _("answers to the questionnaire")
        indexes = [models.Index(fields=["municipality", "year", "respondent", "quarter"])]

    def __str__(self) -> str:
        return f"{self.year} {self.get_moment_display()}"


def quarter_of(day) -> int:
    return (day.month - 1) // 3 + 1
