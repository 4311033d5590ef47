"""Stored answers to the navigator's questionnaire.

The navigator ("los") builds a family situation profile from what Los already knows (the child's age,
condition categories and daily setting, the services the family has consented to, the service map, the
guardians and siblings). Some facts the data cannot settle: whether the child needs much more supervision
than other children, care at night, whether the family has lasting extra expenses, whether a guardian is
in work. The family (or the barnekoordinator with the family) answers those in a short questionnaire; the
answers are kept in :class:`NavigatorAnswers` and merged into the profile.

One row per child for the child's facts (``child`` set) and one row per family for the family's facts
(``child`` empty). ``answers`` maps a question key to its answer (``true``/``false``, or a number for the
expected duration and the number of siblings); "don't know" is stored by leaving the key out, so that
the navigator says *possible* and asks again.

Information category: **health** (``Category.HEALTH``). The answers describe the child's care needs
(supervision at night, medical treatment at home, mental health support) and the family's situation
because of the illness; that is health information under the duty of confidentiality. Consequences
through the one access policy: guardians, the barnekoordinator and the coordinating unit see them; a
service contact only under a consent that covers health information; a young person aged 16 or more who
has not shared their health information with their guardians keeps their own answers from them.
Guardians (and the young person for their own row) *own* the answers (:meth:`access_owner_ids`), so they
may change them although health information is otherwise not family-editable; a service contact never may.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from los.core.models import municipality_field, user_field, version_field
from los.families.models import Child, Family, FamilyMember


class NavigatorAnswers(models.Model):
    """Answers to the navigator's questions that Los's own data cannot settle (see the module docstring)."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="navigator_answers",
                               verbose_name=_("family"))
    municipality = municipality_field()
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="navigator_answers",
                              verbose_name=_("child"),
                              help_text=_("Empty for the answers about the whole family."))
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now, editable=False)
    updated_by = user_field(_("last changed by"), editable=False)
    version = version_field()

    class Meta:
        verbose_name = _("answers to the navigator")
        verbose_name_plural = _("answers to the navigator")
        constraints = [
            models.UniqueConstraint(fields=["family", "child"], condition=models.Q(child__isnull=False),
                                    name="navigator_answers_one_per_child"),
            models.UniqueConstraint(fields=["family"], condition=models.Q(child__isnull=True),
                                    name="navigator_answers_one_per_family"),
        ]

    def __str__(self) -> str:
        return f"{self.family} – {self.child or _('the family')}"

    def access_owner_ids(self) -> list[int]:
        """The family's guardians with a log-in, and the young person for their own answers."""
        ids = [m.user_id for m in FamilyMember.objects.filter(family_id=self.family_id, user__isnull=False)
               if m.is_guardian]
        if self.child_id:
            child_user = Child.objects.filter(pk=self.child_id).values_list("user_id", flat=True).first()
            if child_user:
                ids.append(child_user)
        return ids


class LocalText(models.Model):
    """What a municipality writes itself for a right or service in the navigator (its own service, or how it
    handles a national one): ``checked_on`` and ``checked_by`` say when and by whom it was last checked."""

    municipality = municipality_field()
    checked_on = models.DateField(_("checked on"))
    checked_by = user_field(_("checked by"), on_delete=models.PROTECT, null=False)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now, editable=False)
    version = version_field()

    class Meta:
        abstract = True
        ordering = ["municipality", "entry_id"]


class LocalEntry(LocalText):
    """One municipality's own service in the navigator: its respite house, a local leisure or support offer, a local
    grant. Municipalities differ most in these, and families ask most about them.

    ``data`` is the entry in the national catalogue's own format and rule language (see
    :mod:`los.navigator.catalog`), checked by the same loader (:func:`los.navigator.catalog.local_entry`) before it
    is saved: names, provider and texts in bokmål and nynorsk (English optional), the rule's criteria, the legal
    basis and the sources. The engine evaluates a municipality's entries only for that municipality's families, so
    a local entry never changes what another municipality's families are told.

    Holds no family's data: it describes a service. Edited by the coordinating unit (caseworker or leader) of the
    municipality; ``checked_on`` and ``checked_by`` say when and by whom it was last checked.
    """

    entry_id = models.CharField(_("id"), max_length=60,
                                help_text=_("Lower-case letters, digits and _. It never changes once saved."))
    data = models.JSONField(_("the entry"), default=dict)
    active = models.BooleanField(_("shown to families"), default=True)

    class Meta(LocalText.Meta):
        verbose_name = _("local service in the navigator")
        verbose_name_plural = _("local services in the navigator")
        constraints = [models.UniqueConstraint(fields=["municipality", "entry_id"], name="navigator_local_entry_once")]

    def __str__(self) -> str:
        names = self.data.get("names") if isinstance(self.data, dict) else None
        return str(names.get("nb") if isinstance(names, dict) else self.entry_id)


class LocalRoutine(LocalText):
    """How one municipality handles a national catalogue entry: how to apply here, whom to call, local forms and the
    expected processing time here. A family sees it beside the national text; the coordinator sees it beside the
    entry.

    ``texts`` maps ``how_to_apply``, ``contact``, ``forms`` and ``processing_time`` to texts in bokmål and nynorsk
    (English optional). Holds no family's data. ``checked_on`` and ``checked_by`` say when and by whom it was last
    checked.
    """

    entry_id = models.CharField(_("right or service"), max_length=60)
    texts = models.JSONField(_("the routine"), default=dict)
    form_url = models.URLField(_("link to the local form"), blank=True)

    class Meta(LocalText.Meta):
        verbose_name = _("local routine for a right or service")
        verbose_name_plural = _("local routines for rights and services")
        constraints = [models.UniqueConstraint(fields=["municipality", "entry_id"], name="navigator_local_routine_once")]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.entry_id}"
