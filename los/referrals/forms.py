"""Forms of the referral workflow. Widgets carry the Designsystemet classes and the ARIA links between a
field, its help text and its error message (see ``templates/referrals/_field.html``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from los.access.models import ConsentMethod
from los.core.forms import DescribedInputs, ServiceFormMixin
from los.core.models import Municipality
from los.families.models import GUARDIAN_RELATIONS, Relation, validate_fodselsnummer
from los.referrals.criteria import CriterionRow
from los.referrals.models import CriterionResult, EndReason, GovernorOutcome, Outcome, Recommendation

GUARDIAN_RELATION_CHOICES = [(v, label) for v, label in Relation.choices if v in GUARDIAN_RELATIONS]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DsForm(ServiceFormMixin, DescribedInputs, forms.Form):
    """Adds Designsystemet classes and ``aria-describedby``/``aria-invalid`` to every widget."""

    message_ids_from_auto_id = True


class VersionMixin(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


# --- requests ---------------------------------------------------------------------------------------


class AskForm(DsForm):
    description = forms.CharField(
        label=_("What would you like help with?"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
        help_text=_("In your own words: your child's situation, which services you have, and what is hard today. "
                    "A few sentences are enough."),
        error_messages={"required": _("Tell us briefly what you need help with.")},
    )


class PublicRequestForm(DsForm):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.order_by("name"),
        help_text=_("The municipality where the child lives."),
        error_messages={"required": _("Choose the municipality where the child lives.")})
    sender_name = forms.CharField(label=_("Your name"), max_length=200,
                                  error_messages={"required": _("Write your name.")})
    sender_fodselsnummer = forms.CharField(
        label=_("Your fødselsnummer (11 digits)"), max_length=11, min_length=11,
        validators=[validate_fodselsnummer],
        help_text=_("Used only to recognise you when you log in, so that you can confirm the request."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Write your fødselsnummer."),
                        "min_length": _("A fødselsnummer has 11 digits.")})
    sender_relation = forms.ChoiceField(label=_("Your relation to the child"), choices=GUARDIAN_RELATION_CHOICES)
    child_name = forms.CharField(label=_("The child's name"), max_length=200,
                                 error_messages={"required": _("Write the child's name.")})
    child_birth_date = forms.DateField(label=_("The child's date of birth (or expected date)"), required=False,
                                       widget=DateInput())
    description = forms.CharField(
        label=_("What would you like help with?"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
        error_messages={"required": _("Tell us briefly what you need help with.")})
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "tel"}))
    email = forms.EmailField(label=_("E-mail"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    confirm = forms.BooleanField(
        label=_("I have parental responsibility for, or daily care of, the child"),
        error_messages={"required": _("Only a parent or someone with daily care of the child can send this "
                                      "request. Tick the box to confirm.")})
    #: The fields filled in from the anonymous navigator's answers (names only), so that the form keeps saying so.
    carried = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    CARRIABLE = ("municipality", "description")

    def carried_fields(self) -> list[Any]:
        """The bound fields that were filled in from the navigator, for the note above the form."""
        raw = self["carried"].value() or ""
        return [self[name] for name in self.CARRIABLE if name in str(raw).split(",")]


class OnBehalfForm(DsForm):
    """A professional registers a request on the family's behalf, with the family's consent."""

    description = forms.CharField(
        label=_("What the family needs help with"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
        error_messages={"required": _("Describe what the family needs help with.")})
    received = forms.DateField(label=_("Date the request was received"), widget=DateInput(),
                               help_text=_("The clock for an answer (forvaltningsloven § 11 a) starts this day."),
                               error_messages={"required": _("Give the date the request was received.")})
    consent_by_name = forms.CharField(
        label=_("Who in the family consented"), max_length=200,
        help_text=_("Name of the parent or guardian who agreed that you send the request."),
        error_messages={"required": _("Write who in the family consented to the request.")})
    consent_method = forms.ChoiceField(label=_("How consent was given"), choices=ConsentMethod.choices,
                                       error_messages={"required": _("Choose how the family consented.")})
    consent_given_on = forms.DateField(label=_("Date of consent"), widget=DateInput(),
                                       error_messages={"required": _("Give the date the family consented.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["received"].initial = today
        self.fields["consent_given_on"].initial = today

    def clean_received(self):
        value = self.cleaned_data["received"]
        if value and value > timezone.localdate():
            raise ValidationError(_("The date received cannot be in the future."))
        return value

    def clean_consent_given_on(self):
        value = self.cleaned_data["consent_given_on"]
        if value and value > timezone.localdate():
            raise ValidationError(_("The date of consent cannot be in the future."))
        return value


class ProfessionalRequestForm(OnBehalfForm):
    """On behalf of a family the professional names (it may be new to Los, or one they cannot see)."""

    municipality = forms.ModelChoiceField(label=_("The family's municipality"), queryset=Municipality.objects.none(),
                                          error_messages={"required": _("Choose the family's municipality.")})
    child_given_name = forms.CharField(label=_("The child's given name"), max_length=100)
    child_family_name = forms.CharField(label=_("The child's family name"), max_length=100)
    child_fodselsnummer = forms.CharField(label=_("The child's fødselsnummer"), max_length=11,
                                          validators=[validate_fodselsnummer],
                                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    guardian_given_name = forms.CharField(label=_("Guardian's given name"), max_length=100)
    guardian_family_name = forms.CharField(label=_("Guardian's family name"), max_length=100)
    guardian_fodselsnummer = forms.CharField(label=_("Guardian's fødselsnummer"), max_length=11,
                                             validators=[validate_fodselsnummer],
                                             widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                                           "autocomplete": "off"}))
    guardian_relation = forms.ChoiceField(label=_("Guardian's relation to the child"),
                                          choices=GUARDIAN_RELATION_CHOICES)

    field_order = ["municipality", "child_given_name", "child_family_name", "child_fodselsnummer",
                   "guardian_given_name", "guardian_family_name", "guardian_fodselsnummer", "guardian_relation",
                   "description", "received", "consent_by_name", "consent_method", "consent_given_on"]

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(
            pk__in=[m.pk for m in municipalities or []])
        if municipalities and len(municipalities) == 1:
            self.fields["municipality"].initial = municipalities[0].pk


class ConfirmPublicForm(DsForm):
    family = forms.ChoiceField(label=_("Which family is the request about?"))

    def __init__(self, *args, families=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.families = {str(f.pk): f for f in families or []}
        self.fields["family"].choices = [(k, f.display_name) for k, f in self.families.items()]


# --- queue and assessment ---------------------------------------------------------------------------


class PreliminaryReplyForm(VersionMixin, DsForm):
    text = forms.CharField(label=_("Preliminary reply"), widget=forms.Textarea(attrs={"rows": 14}),
                           error_messages={"required": _("The preliminary reply cannot be empty.")})
    expected_by = forms.DateField(label=_("The family can expect an answer by"), widget=DateInput(),
                                  error_messages={"required": _("Say when the family can expect an answer.")})


class AssessmentForm(VersionMixin, DsForm):
    conclusion = forms.CharField(label=_("Overall assessment"), widget=forms.Textarea(attrs={"rows": 5}),
                                 required=False)
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=Recommendation.choices, required=False,
                                       widget=forms.RadioSelect)
    navigator_snapshot = forms.CharField(
        label=_("The navigator's view of the family's services"), widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("Fetched from the navigator when it is available. Otherwise write the services and "
                    "benefits the family has or may be entitled to."))

    def __init__(self, *args, rows: list[CriterionRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"result_{row.key}"] = forms.ChoiceField(
                label=row.label, choices=CriterionResult.choices, required=False, widget=forms.RadioSelect)
            self.fields[f"why_{row.key}"] = forms.CharField(
                label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 3, "class": "ds-input"}))

    @property
    def has_local(self) -> bool:
        return any(not row.legal for row in self.rows)

    def checklist(self):
        for row in self.rows:
            yield row, self[f"result_{row.key}"], self[f"why_{row.key}"]

    def results(self) -> dict[str, tuple[str, str]]:
        return {row.key: (self.cleaned_data.get(f"result_{row.key}") or "",
                          self.cleaned_data.get(f"why_{row.key}") or "") for row in self.rows}


def _grounds(label: str | Promise, rows: int, help_text: str | Promise,
             missing: str | Promise) -> forms.CharField:
    """A part of a decision's written grounds (forvaltningsloven § 25): a text that must be given, and the message
    that says so."""
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), help_text=help_text,
                           error_messages={"required": missing})


class DecisionForm(DsForm):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices, widget=forms.RadioSelect,
                                error_messages={"required": _("Choose whether the request is granted or refused.")})
    rules = _grounds(
        _("The rules the decision is based on"), 5,
        _("Cite the rules and say what they require (forvaltningsloven § 25 first paragraph)."),
        _("State the rules the decision is based on (forvaltningsloven § 25)."))
    facts = _grounds(
        _("The facts"), 6,
        _("The facts the decision builds on: the child's situation, the services and the family's needs."),
        _("State the facts the decision is based on (forvaltningsloven § 25)."))
    considerations = _grounds(
        _("The main considerations"), 6,
        _("Why the unit decided as it did (forvaltningsloven § 25 third paragraph)."),
        _("State the main considerations behind the decision (forvaltningsloven § 25)."))
    notified_on = forms.DateField(
        label=_("Date the decision reaches the family"), widget=DateInput(),
        help_text=_("The appeal deadline runs from this day. For the digital mailbox: the day it arrives."),
        error_messages={"required": _("Give the date the decision reaches the family.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notified_on"].initial = timezone.localdate()


class AppealForm(DsForm):
    received = forms.DateField(label=_("Date the appeal was received"), widget=DateInput(),
                               error_messages={"required": _("Give the date the appeal was received.")})
    grounds = forms.CharField(label=_("What the family disagrees with, and why"),
                              widget=forms.Textarea(attrs={"rows": 6}),
                              error_messages={"required": _("Write what the family disagrees with and why.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received"].initial = timezone.localdate()


class ReassessForm(VersionMixin, DsForm):
    reassessment = forms.CharField(label=_("The unit's reassessment"), widget=forms.Textarea(attrs={"rows": 6}),
                                   required=False)


class GovernorForm(VersionMixin, DsForm):
    governor_outcome = forms.ChoiceField(
        label=_("The county governor's outcome"), widget=forms.RadioSelect,
        choices=[c for c in GovernorOutcome.choices if c[0]],
        error_messages={"required": _("Choose the county governor's outcome.")})
    governor_decided_on = forms.DateField(
        label=_("Date of the county governor's decision"), widget=DateInput(),
        error_messages={"required": _("Give the date of the county governor's decision.")})
    governor_note = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


# --- appointment, handover and ending ---------------------------------------------------------------


class AppointForm(DsForm):
    family_wishes = forms.CharField(
        label=_("The family's wishes"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text=_("Whom the family would like, or not like, and how they want to be contacted. Ask before you "
                    "choose."))
    coordinator = forms.ChoiceField(label=_("Barnekoordinator"), widget=forms.RadioSelect,
                                    error_messages={"required": _("Choose a barnekoordinator.")})
    confirm_full = forms.BooleanField(
        label=_("Appoint anyway: I have talked with the coordinator and their leader about the load"), required=False)
    reasons = forms.CharField(label=_("Why this coordinator"), widget=forms.Textarea(attrs={"rows": 3}),
                              required=False)
    change_reason = forms.CharField(label=_("Reason for the change"), max_length=300, required=False)

    def __init__(self, *args, candidates=(), change: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(c.user.pk): c for c in candidates if not c.is_current}
        self.fields["coordinator"].choices = [(k, c.user.get_full_name() or c.user.username)
                                              for k, c in self.candidates.items()]
        self.needs_full_confirmation = False
        if change:
            self.fields["change_reason"].required = True
            self.fields["change_reason"].error_messages["required"] = _("Say why the coordinator changes.")
        else:
            del self.fields["change_reason"]

    def clean(self):
        data = super().clean()
        chosen = self.candidates.get(data.get("coordinator") or "")
        if chosen is not None and chosen.is_full and not data.get("confirm_full"):
            self.needs_full_confirmation = True
            name = chosen.user.get_full_name() or chosen.user.username
            self.add_error("coordinator", _(
                "%(name)s already follows %(load)s families against a capacity of %(capacity)s. Choose another "
                "coordinator, or tick “Appoint anyway” below if you have talked with them about it.")
                % {"name": name, "load": chosen.caseload, "capacity": chosen.capacity})
        return data


class BulkHandoverForm(DsForm):
    """Which families move, and to whom: one coordinator for all, or one per family."""

    to_all = forms.ChoiceField(label=_("New barnekoordinator for the families ticked below"), required=False)
    change_reason = forms.CharField(
        label=_("Reason for the change"), max_length=300,
        help_text=_("For example “The coordinator has left the municipality” or “The unit is reorganised”. "
                    "It is recorded for every family."),
        error_messages={"required": _("Say why the coordinator changes.")})
    confirm_full = forms.BooleanField(
        label=_("Move them anyway: I have talked with the coordinators and their leader about the load"),
        required=False)

    def __init__(self, *args, families=(), targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.families = list(families)
        self.targets = {str(t.user.pk): t for t in targets}
        choices = [(k, f"{t.name} ({t.load}/{t.capacity})") for k, t in self.targets.items()]
        self.fields["to_all"].choices = [("", _("Choose per family below"))] + choices
        self.needs_full_confirmation = False
        for family in self.families:
            self.fields[f"move_{family.pk}"] = forms.BooleanField(
                label=family.display_name, required=False, initial=True,
                widget=forms.CheckboxInput(attrs={"class": "ds-input"}))
            self.fields[f"to_{family.pk}"] = forms.ChoiceField(
                label=_("New barnekoordinator for %(family)s") % {"family": family.display_name}, required=False,
                choices=[("", _("The one chosen for all"))] + choices, widget=forms.Select(attrs={"class": "ds-input"}))

    def rows(self):
        for family in self.families:
            yield family, self[f"move_{family.pk}"], self[f"to_{family.pk}"]

    def clean(self):
        data = super().clean()
        added: dict[str, int] = {}
        self._moves = []
        for family in self.families:
            if not data.get(f"move_{family.pk}"):
                continue
            target = data.get(f"to_{family.pk}") or data.get("to_all")
            if not target or target not in self.targets:
                self.add_error(f"to_{family.pk}", _("Choose who takes over %(family)s, or choose one for all.")
                               % {"family": family.display_name})
                continue
            added[target] = added.get(target, 0) + 1
            self._moves.append((family, self.targets[target].user))
        if not self._moves and not self.errors:
            self.add_error(None, _("Tick at least one family to hand over."))
        full = [(self.targets[k], n) for k, n in added.items() if self.targets[k].load + n > self.targets[k].capacity]
        if full and not data.get("confirm_full"):
            self.needs_full_confirmation = True
            self.add_error(None, _("After the change %(who)s would follow more families than their capacity. Choose "
                                   "others, or tick “Move them anyway”.") % {"who": ", ".join(
                                       _("%(name)s (%(load)s of %(capacity)s)") % {
                                           "name": t.name, "load": t.load + n, "capacity": t.capacity}
                                       for t, n in full)})
        return data

    def moves(self) -> list:
        return list(self._moves)


class HandoverDoneForm(VersionMixin, DsForm):
    note = forms.CharField(label=_("Note from the handover"), widget=forms.Textarea(attrs={"rows": 3}),
                           required=False)


class EndingForm(DsForm):
    reason = forms.ChoiceField(label=_("Why the barnekoordinator ends"), choices=EndReason.choices,
                               widget=forms.RadioSelect,
                               error_messages={"required": _("Choose why the barnekoordinator ends.")})
    ended_on = forms.DateField(label=_("Last day"), widget=DateInput(),
                               error_messages={"required": _("Give the last day.")})
    closing_summary = forms.CharField(
        label=_("Closing summary"), widget=forms.Textarea(attrs={"rows": 6}), required=False,
        help_text=_("What has been done, where the family stands now, and what is still open. For an ending by "
                    "decision: the reasons."))
    transition = forms.CharField(
        label=_("Transition to an ordinary coordinator and adult services"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("At 18: who takes over (ordinary coordinator, pbrl § 2-5 b), and which adult services "
                    "(NAV, GP, adult habilitation, housing and work) have been contacted."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate()


class LocalCriterionForm(VersionMixin, DsForm):
    title = forms.CharField(label=_("Criterion"), max_length=300,
                            error_messages={"required": _("Write the criterion.")})
    help_text = forms.CharField(label=_("Guidance for the caseworker"), widget=forms.Textarea(attrs={"rows": 3}),
                                required=False)
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=10)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class ConfirmGuardianForm(DsForm):
    parental_responsibility = forms.BooleanField(label=_("Has parental responsibility"), required=False)
    daily_care = forms.BooleanField(label=_("Has daily care"), required=False)
    may_consent = forms.BooleanField(label=_("May consent on the family's behalf"), required=False)
