"""Organisation: municipalities, their coordinating units and the service providers around families.

Norwegian terms used here:

- *kommune* = municipality. Norway had 357 municipalities in 2025. Every row in Los that holds data
  about a person belongs to exactly one municipality.
- *koordinerende enhet* (KE) = coordinating unit. Every municipality must have one (hol § 7-3); it
  receives requests for a barnekoordinator, decides, appoints, trains and supports coordinators.
- *tjenesteyter* = service provider: kindergarten, school, PPT, helsestasjon, GP, physiotherapy,
  HABU, BUP, barnevern, NAV, avlastning and so on. Some are municipal; others are run by the county
  (TT transport, upper secondary school), the state (NAV) or the health trust (HABU, BUP), and the
  barnekoordinator cannot instruct those.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def municipality_field() -> models.ForeignKey:
    """The municipality a row holding a person's data belongs to (always its family's municipality)."""
    return models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality"))


def family_field() -> models.ForeignKey:
    """The family a row belongs to."""
    return models.ForeignKey("families.Family", on_delete=models.PROTECT, related_name="+", verbose_name=_("family"))


def user_field(verbose_name: str | Promise | None = None, *, on_delete: Callable[..., None] = models.SET_NULL,
               null: bool = True, blank: bool | None = None, editable: bool = True) -> models.ForeignKey:
    """The user who did something to a row (made, changed, recorded, decided it), with no reverse relation.
    Empty where nobody is recorded (``blank`` follows ``null`` unless given); ``on_delete=models.PROTECT`` where
    the act must keep its author (a decision, a plan's change)."""
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=on_delete, null=null,
                             blank=null if blank is None else blank, related_name="+", editable=editable,
                             verbose_name=verbose_name)


def version_field() -> models.PositiveIntegerField:
    """The version of shared editable text, raised by each save (optimistic locking)."""
    return models.PositiveIntegerField(default=1, editable=False)


#: (field, language) → {stored value: label}: the labels of a field's choices, translated once per language
_CHOICE_LABELS: dict[tuple[models.Field, str | None], dict] = {}


class CachedChoiceDisplay:
    """A model mixin: ``get_<field>_display()`` translates each field's choice labels once per language.

    Django's own compares the value with every choice's lazy label, translating each label on every call (a plan
    page shows hundreds). The value is read the same way (through the redaction step), and the answer is the same.
    """

    def _get_FIELD_display(self, field: models.Field) -> str:  # noqa: N802  (the name Django looks up)
        value = getattr(self, field.attname)
        key = (field, get_language())
        labels = _CHOICE_LABELS.get(key)
        if labels is None:
            labels = _CHOICE_LABELS[key] = {choice: str(label) for choice, label in field.flatchoices}
        try:
            label = labels.get(value, value)
        except TypeError:  # an unhashable value (never one of the choices)
            label = value
        return force_str(label, strings_only=True)


class SizeClass(models.TextChoices):
    """Municipality size classes used in the national statistics (DOMAIN.md §5)."""

    XS = "0-1999", _("under 2,000 inhabitants")
    S = "2000-4999", _("2,000–4,999 inhabitants")
    M = "5000-9999", _("5,000–9,999 inhabitants")
    L = "10000-19999", _("10,000–19,999 inhabitants")
    XL = "20000-49999", _("20,000–49,999 inhabitants")
    XXL = "50000+", _("50,000 inhabitants or more")

    @classmethod
    def for_population(cls, population: int) -> SizeClass:
        for limit, size in ((2000, cls.XS), (5000, cls.S), (10000, cls.M), (20000, cls.L), (50000, cls.XL)):
            if population < limit:
                return size
        return cls.XXL


class Municipality(models.Model):
    """A Norwegian municipality (*kommune*), identified by its four-digit municipality number."""

    number = models.CharField(_("municipality number"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    county = models.CharField(_("county"), max_length=100, blank=True)
    population = models.PositiveIntegerField(_("population"))
    default_language = models.CharField(
        _("official written language"), max_length=2, default="nb",
        choices=[("nb", _("Bokmål")), ("nn", _("Nynorsk")), ("", _("Neutral"))], blank=True,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    @property
    def size_class(self) -> SizeClass:
        return SizeClass.for_population(self.population)


class CoordinatingUnit(models.Model):
    """The municipality's *koordinerende enhet* (KE), required by hol § 7-3."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="coordinating_units",
                                     verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=200)
    placement = models.CharField(_("placed in"), max_length=200, blank=True,
                                 help_text=_("For example the allocation office (tildelingskontor)."))
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    families_per_10_percent = models.DecimalField(
        _("families a coordinator can follow per 10 % of a position"), max_digits=4, decimal_places=1, null=True,
        blank=True, validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("50"))],
        help_text=_("The unit's norm. A coordinator's capacity is this × their share of a position / 10. Empty: "
                    "the default of Los (the setting LOS_FAMILIES_PER_10_PERCENT, 2.5 unless changed)."))

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("coordinating unit")
        verbose_name_plural = _("coordinating units")

    def __str__(self) -> str:
        return self.name


class ProviderKind(models.TextChoices):
    """Kinds of service provider; the values match the navigator profile's `services_involved`."""

    KINDERGARTEN = "kindergarten", _("Kindergarten")
    SCHOOL = "school", _("School")
    SFO = "sfo", _("After-school programme (SFO)")
    PPT = "ppt", _("Educational-psychological service (PPT)")
    HELSESTASJON = "helsestasjon", _("Health clinic and school health service")
    GP = "gp", _("GP (fastlege)")
    PHYSIOTHERAPY = "physiotherapy", _("Physiotherapy")
    OCCUPATIONAL_THERAPY = "occupational_therapy", _("Occupational therapy")
    HABU = "habu", _("Habilitation service for children (HABU)")
    BUP = "bup", _("Child and adolescent mental health (BUP)")
    HOSPITAL = "hospital", _("Hospital")
    BARNEVERN = "barnevern", _("Child welfare (barnevern)")
    NAV = "nav", _("NAV")
    AVLASTNING = "avlastning", _("Respite care (avlastning)")
    HOME_CARE = "home_care", _("Home care")
    ALLOCATION = "allocation", _("Allocation office (tildeling)")
    ORGANISATION = "organisation", _("User organisation")
    OTHER = "other", _("Other")


class ProviderLevel(models.TextChoices):
    """Who runs the provider; the barnekoordinator can only instruct municipal services."""

    MUNICIPAL = "municipal", _("Municipal")
    COUNTY = "county", _("County")
    STATE = "state", _("State / NAV")
    SPECIALIST = "specialist", _("Specialist health service")
    ORGANISATION = "organisation", _("Organisation")


class ServiceProvider(models.Model):
    """A *tjenesteyter*: an agency that serves families, registered for one municipality's map."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="service_providers",
                                     verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=ProviderKind.choices)
    level = models.CharField(_("run by"), max_length=20, choices=ProviderLevel.choices,
                             default=ProviderLevel.MUNICIPAL)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    organisation_number = models.CharField(
        _("organisation number"), max_length=9, blank=True,
        help_text=_("The provider's number in the Central Coordinating Register (9 digits), used in FHIR exports."))

    class Meta:
        ordering = ["municipality__name", "kind", "name"]
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        indexes = [models.Index(fields=["municipality", "kind"])]

    def __str__(self) -> str:
        return self.name


class MunicipalityAgreement(models.Model):
    """A recorded inter-municipal agreement (*interkommunalt samarbeid*).

    Small municipalities often share one coordinating unit. Staff of ``host`` may then work on the
    families of ``member`` while the agreement is in force. This is the only rule (besides a family's
    recorded move) that lets data cross a municipality border.
    """

    host = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="hosted_agreements",
                             verbose_name=_("host municipality"))
    member = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="member_agreements",
                               verbose_name=_("member municipality"))
    purpose = models.CharField(_("purpose"), max_length=300)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    reference = models.CharField(_("agreement reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("inter-municipal agreement")
        verbose_name_plural = _("inter-municipal agreements")

    def __str__(self) -> str:
        return f"{self.host} → {self.member}"
