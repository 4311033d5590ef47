"""Users and their roles.

A person logs in as a :class:`User`. What they may do comes from their :class:`StaffRole` rows (a
person can hold several roles, each in one municipality) or, for family members, from being a
guardian in a family (``families.FamilyMember.user``).

Norwegian terms: *barnekoordinator* = the children's coordinator (pbrl § 2-5 c, hol § 7-2 a), held
either as a dedicated position (*egen stilling*) or as an extra function on top of another job
(*tilleggsfunksjon*), often with a small share of a position (*stillingsprosent*). *Saksbehandler* =
caseworker who writes decisions (*vedtak*). *Tjenesteyter* / *kontaktperson* = a named person at a
service provider.

A role is granted by two people (four eyes): one requests it (a system administrator, in the admin), and a
different person who may approve it approves it (``los.accounts.services``). Until then it is *pending* and
grants nothing: ``active`` is true only for an approved role that has not been deactivated, and everything the
access policy reads asks for ``active``. A database constraint keeps an unapproved role inactive and keeps
the holder and the requester from being the one who decided.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from los.core.models import CoordinatingUnit, Municipality, ServiceProvider


class Role(models.TextChoices):
    BARNEKOORDINATOR = "barnekoordinator", _("Barnekoordinator")
    CASEWORKER = "caseworker", _("Caseworker")
    UNIT_LEADER = "unit_leader", _("Leader of the coordinating unit")
    SERVICE_CONTACT = "service_contact", _("Service contact")
    MUNICIPAL_LEADER = "municipal_leader", _("Municipal leader")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


STAFF_ROLES = frozenset(Role.values)


class PositionType(models.TextChoices):
    DEDICATED = "dedicated", _("Dedicated position")
    EXTRA_FUNCTION = "extra_function", _("Extra function on top of another job")


class Profession(models.TextChoices):
    NURSE_SOCIAL_EDUCATOR = "nurse", _("Nurse, social educator or public health nurse")
    THERAPIST = "therapist", _("Occupational therapist or physiotherapist")
    TEACHER = "teacher", _("Teacher, pre-school or special needs teacher")
    CHILD_WELFARE = "child_welfare", _("Child welfare pedagogue or social worker")
    OTHER_HIGHER = "other_higher", _("Other higher education")
    OTHER = "other", _("Other")


class User(AbstractUser):
    """A person who can log in: staff or a family member."""

    preferred_language = models.CharField(
        _("preferred language"), max_length=2, default="nb",
        choices=[("nb", "Bokmål"), ("nn", "Nynorsk"), ("en", "English")],
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    hpr_number = models.CharField(
        _("HPR number"), max_length=9, blank=True,
        help_text=_("The number in the Health Personnel Register (helsepersonellregisteret), for authorised health "
                    "personnel. Used in FHIR exports and the access log."))

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def active_roles(self) -> list[StaffRole]:
        cached = getattr(self, "_active_roles", None)
        if cached is None:
            cached = list(self.staff_roles.filter(active=True).select_related("municipality", "service_provider"))
            self._active_roles = cached
        return cached

    def role_names(self) -> set[str]:
        return {role.role for role in self.active_roles()}

    @property
    def is_staff_member(self) -> bool:
        return bool(self.active_roles())


class RoleStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class StaffRole(models.Model):
    """One role a staff person holds in one municipality, requested by one person and approved by another."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles", verbose_name=_("user"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="staff_roles",
                                     verbose_name=_("municipality"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    coordinating_unit = models.ForeignKey(CoordinatingUnit, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="staff_roles", verbose_name=_("coordinating unit"))
    service_provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="staff_roles", verbose_name=_("service provider"))
    position_type = models.CharField(_("position type"), max_length=20, choices=PositionType.choices, blank=True)
    position_share = models.PositiveSmallIntegerField(
        _("share of position for the role (%)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    profession = models.CharField(_("professional background"), max_length=20, choices=Profession.choices,
                                  blank=True)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    #: In force: approved and not deactivated. Only the role services set it (never a form).
    active = models.BooleanField(_("active"), default=False)
    started = models.DateField(_("started"), null=True, blank=True)
    status = models.CharField(_("approval"), max_length=10, choices=RoleStatus.choices, default=RoleStatus.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested"), null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("approved or refused by"))
    decided_at = models.DateTimeField(_("approved or refused"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        indexes = [models.Index(fields=["municipality", "role", "active"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="service_contact") | models.Q(service_provider__isnull=False),
                name="service_contact_has_provider",
            ),
            models.CheckConstraint(condition=Q(active=False) | Q(status="approved"),
                                   name="staff_role_active_only_when_approved"),
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("user")),
                                   name="staff_role_not_decided_by_its_holder"),
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | Q(requested_by__isnull=True)
                                   | ~Q(decided_by=F("requested_by")),
                                   name="staff_role_not_decided_by_its_requester"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.municipality.name})"
