"""Forms for the individual plan. Services check the business rules; forms give clear messages for
missing or malformed input and keep what the user typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from los.access.models import Category, Consent, ConsentMethod
from los.accounts.models import Role, StaffRole, User
from los.core.forms import ServiceFormMixin
from los.core.models import ServiceProvider
from los.families.models import GUARDIAN_RELATIONS, CoordinatorAssignment, Family, FamilyMember
from los.plans.models import (
    ContactChannel,
    ContactFrequency,
    EvaluationResult,
    GoalCategory,
    MeasureStatus,
    Plan,
    Whose,
)

DATE_WIDGET = {"type": "date"}


def _date_field(label, required: bool = True, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        error_messages={"required": _("Give a date."), "invalid": _("Write the date as dd.mm.yyyy.")}, **kwargs)


class StyledForm(forms.Form):
    """Designsystemet classes on every input."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not field.widget.is_hidden:
                classes = field.widget.attrs.get("class", "")
                field.widget.attrs["class"] = f"{classes} ds-input".strip()


class PlanForm(ServiceFormMixin, StyledForm):
    """Base: a service's ValidationError at the matching fields, the rest at the top; the version moved on after
    a conflict (``los.core.forms``)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def service_kwargs(self) -> dict[str, Any]:
        """The values for the service; the version is passed on its own."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


# --- who a goal, resource or need belongs to ---------------------------------------------------------

def whose_choices(family: Family) -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = [("family", str(_("The whole family")))]
    for child in family.children.all():
        choices.append((f"child:{child.pk}", f"{child.given_name} ({_('the child')})"))
    for member in family.members.all():
        choices.append((f"member:{member.pk}", f"{member.given_name} ({member.get_relation_display().lower()})"))
    return choices


def parse_whose(value: str, family: Family) -> dict[str, Any]:
    """``family``, ``child:<pk>`` or ``member:<pk>`` → whose, member and child."""
    if value.startswith("child:"):
        child = family.children.filter(pk=value.split(":", 1)[1]).first()
        return {"whose": Whose.CHILD, "child": child, "member": None}
    if value.startswith("member:"):
        member = family.members.filter(pk=value.split(":", 1)[1]).first()
        if member is None:
            return {"whose": Whose.FAMILY, "child": None, "member": None}
        whose = (Whose.SIBLING if member.relation == "sibling"
                 else Whose.PARENT if member.relation in GUARDIAN_RELATIONS else Whose.FAMILY)
        return {"whose": whose, "child": None, "member": member}
    return {"whose": Whose.FAMILY, "child": None, "member": None}


def whose_value(obj: Any) -> str:
    if getattr(obj, "child_id", None):
        return f"child:{obj.child_id}"
    if getattr(obj, "member_id", None):
        return f"member:{obj.member_id}"
    if obj.whose == Whose.CHILD:
        child = obj.family.children.first()
        return f"child:{child.pk}" if child else "family"
    return "family"


class PlanCreateForm(PlanForm):
    consent_given_by = forms.ModelChoiceField(
        label=_("Who in the family gave consent to the plan?"), queryset=FamilyMember.objects.none(),
        error_messages={"required": _("An individual plan needs the family's consent. Say who in the family "
                                      "gave it."),
                        "invalid_choice": _("Choose one of the guardians in the list.")})
    consent_method = forms.ChoiceField(label=_("How was the consent given?"), choices=ConsentMethod.choices,
                                       initial=ConsentMethod.DIGITAL,
                                       error_messages={"required": _("Choose how the consent was given.")})
    consent_given_on = _date_field(_("Date of the consent"))
    what_matters = forms.CharField(
        label=_("What matters most to you? (in the family's own words)"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, family: Family, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent_given_by"].queryset = family.members.filter(may_consent=True)
        self.fields["consent_given_by"].label_from_instance = (
            lambda m: f"{m.given_name} {m.family_name} ({m.get_relation_display().lower()})")
        self.fields["consent_given_on"].initial = timezone.localdate()


class WhatMattersForm(PlanForm):
    what_matters = forms.CharField(
        label=_("What matters most to you? (in the family's own words)"), required=False,
        widget=forms.Textarea(attrs={"rows": 5}))


class GoalForm(PlanForm):
    text = forms.CharField(label=_("The goal, in the family's own words"), widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Write the goal, in the family's own words.")})
    whose = forms.ChoiceField(label=_("Whose goal is it?"),
                              error_messages={"required": _("Choose whose goal it is."),
                                              "invalid_choice": _("Choose one of the options.")})
    category = forms.ChoiceField(label=_("What is it about?"), choices=GoalCategory.choices,
                                 error_messages={"invalid_choice": _("Choose one of the options.")})
    archived = forms.BooleanField(label=_("No longer followed up (kept in the plan's history)"), required=False)

    def __init__(self, *args, family: Family, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.family = family
        self.fields["whose"].choices = whose_choices(family)
        if not editing:
            del self.fields["archived"]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        out = {"text": data["text"], "category": data["category"], **parse_whose(data["whose"], self.family)}
        if "archived" in self.fields:
            out["archived"] = data.get("archived", False)
        return out


class SectionItemForm(PlanForm):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Write the text.")})
    whose = forms.ChoiceField(label=_("Whose is it?"),
                              error_messages={"invalid_choice": _("Choose one of the options.")})

    def __init__(self, *args, family: Family, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.family = family
        self.fields["whose"].choices = whose_choices(family)
        if kind == "resource":
            self.fields["text"].label = _("What the family has and can build on")
            self.fields["text"].error_messages["required"] = _("Write what the family has and can build on.")
        else:
            self.fields["text"].label = _("What the family needs help with")
            self.fields["text"].error_messages["required"] = _("Write what the family needs help with.")

    def service_kwargs(self) -> dict[str, Any]:
        parsed = parse_whose(self.cleaned_data["whose"], self.family)
        return {"text": self.cleaned_data["text"], "whose": parsed["whose"], "member": parsed["member"]}


class RemoveForm(PlanForm):
    pass


# --- measures -----------------------------------------------------------------------------------------

def consenting_provider_ids(family: Family) -> tuple[set[int], set[int]]:
    """Services and named people with an active consent from the family that covers the plan."""
    now = timezone.now()
    rows = Consent.objects.filter(family=family, withdrawn_at__isnull=True, valid_from__lte=now,
                                  valid_to__gt=now).values_list("service_provider_id", "person_id", "categories")
    providers, people = set(), set()
    for provider_id, person_id, categories in rows:
        if Category.PLAN.value in (categories or []):
            if provider_id:
                providers.add(provider_id)
            if person_id:
                people.add(person_id)
    return providers, people


def possible_owners(plan: Plan) -> list[tuple[int, str]]:
    """People who can own a measure: the coordinator, guardians with a log-in and service contacts whose
    service (or who by name) has the family's consent to see the plan."""
    family = plan.family
    today = timezone.localdate()
    out: dict[int, str] = {}
    for a in CoordinatorAssignment.objects.filter(family=family, started__lte=today).filter(
            Q(ended__isnull=True) | Q(ended__gt=today)).select_related("coordinator"):
        out[a.coordinator_id] = f"{a.coordinator.get_full_name()} ({_('barnekoordinator')})"
    for m in family.members.filter(user__isnull=False).select_related("user"):
        if m.is_guardian:
            out[m.user_id] = f"{m.user.get_full_name()} ({m.get_relation_display().lower()})"
    providers, people = consenting_provider_ids(family)
    roles = StaffRole.objects.filter(role=Role.SERVICE_CONTACT, active=True).filter(
        Q(service_provider_id__in=providers) | Q(user_id__in=people)).select_related("user", "service_provider")
    for role in roles.order_by("service_provider__name", "user__last_name"):
        out.setdefault(role.user_id, f"{role.user.get_full_name()} ({role.service_provider.name})")
    return list(out.items())


class MeasureForm(PlanForm):
    title = forms.CharField(label=_("What is to be done"), max_length=300,
                            error_messages={"required": _("Write what is to be done."),
                                            "max_length": _("Keep it short: at most 300 characters. Write more "
                                                            "in the field below.")})
    description = forms.CharField(label=_("More about the measure"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    goal = forms.TypedChoiceField(label=_("Which goal does it serve?"), coerce=int, required=False,
                                  empty_value=None,
                                  error_messages={"invalid_choice": _("Choose one of the goals in this plan.")})
    owner_provider = forms.ModelChoiceField(label=_("Responsible service"), queryset=ServiceProvider.objects.none(),
                                            required=False,
                                            error_messages={"invalid_choice": _("Choose a service from the list.")})
    owner_person = forms.TypedChoiceField(
        label=_("Responsible person"), coerce=int, required=False, empty_value=None,
        help_text=_("Only people who can see the plan are listed: service contacts need the family's consent."),
        error_messages={"invalid_choice": _("Choose a person from the list.")})
    start = _date_field(_("Start"), required=False)
    due_date = _date_field(_("Due date"))
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices,
                               error_messages={"invalid_choice": _("Choose one of the options.")})

    def __init__(self, *args, plan: Plan, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_date"].error_messages["required"] = _("Give a due date, so that the measure is followed up.")
        self.fields["goal"].choices = [("", _("No particular goal")),
                                       *[(g.pk, g.text[:80]) for g in plan.goals.filter(archived=False)]]
        self.fields["owner_provider"].queryset = ServiceProvider.objects.filter(
            municipality_id=plan.municipality_id).order_by("kind", "name")
        self.fields["owner_person"].choices = [("", _("Nobody in particular")), *possible_owners(plan)]
        if not editing:
            del self.fields["status"]

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("owner_provider") and not data.get("owner_person") and not self.has_error("owner_person"):
            self.add_error("owner_person", _("Say who is responsible: a service, a person or both."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        person = User.objects.filter(pk=data["owner_person"]).first() if data.get("owner_person") else None
        out = {"title": data["title"], "description": data.get("description", ""), "goal": data.get("goal"),
               "owner_provider": data.get("owner_provider"), "owner_person": person,
               "start": data.get("start"), "due_date": data.get("due_date")}
        if "status" in self.fields:
            out["status"] = data["status"]
        return out


class MeasureStatusForm(PlanForm):
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices,
                               error_messages={"required": _("Choose a status."),
                                               "invalid_choice": _("Choose one of the options.")})
    note = forms.CharField(label=_("Note (what has happened, what is next)"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"max_length": _("This is too long: at most 1000 characters.")})


class CommentForm(StyledForm):
    text = forms.CharField(label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": _("Write your comment."),
                                           "max_length": _("This is too long: at most 2000 characters.")})


# --- evaluation ---------------------------------------------------------------------------------------

class EvaluationDateForm(PlanForm):
    date = _date_field(_("Evaluation date"))
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)


class EvaluationForm(PlanForm):
    held_on = _date_field(_("The evaluation was held on"))
    summary = forms.CharField(label=_("Summary of the period"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    family_view = forms.CharField(label=_("The family's view of the period"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    clarification_reviewed = forms.BooleanField(
        label=_("We have gone through the expectation clarification together"), required=False)
    clarification_note = forms.CharField(label=_("What was said about the expectation clarification"),
                                         required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_date = _date_field(_("Next evaluation (optional)"), required=False)

    def __init__(self, *args, goals: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        self.goals = goals
        for goal in goals:
            self.fields[f"result_{goal.pk}"] = forms.ChoiceField(
                label=_("Was the goal reached?"), choices=EvaluationResult.choices,
                widget=forms.RadioSelect(attrs={"class": "ds-input"}),
                error_messages={"required": _("Say whether this goal was reached, partly reached or not reached."),
                                "invalid_choice": _("Choose one of the options.")})
            self.fields[f"family_view_{goal.pk}"] = forms.CharField(
                label=_("The family's view"), required=False,
                widget=forms.Textarea(attrs={"rows": 2, "class": "ds-input"}))
            self.fields[f"next_period_{goal.pk}"] = forms.CharField(
                label=_("Measures for the next period"), required=False,
                widget=forms.Textarea(attrs={"rows": 2, "class": "ds-input"}))

    def goal_rows(self) -> list[dict]:
        return [{"goal": g, "result": self[f"result_{g.pk}"], "family_view": self[f"family_view_{g.pk}"],
                 "next_period": self[f"next_period_{g.pk}"]} for g in self.goals]

    def results(self) -> dict[int, dict[str, str]]:
        data = self.cleaned_data
        return {g.pk: {"result": data.get(f"result_{g.pk}", ""), "family_view": data.get(f"family_view_{g.pk}", ""),
                       "next_period": data.get(f"next_period_{g.pk}", "")} for g in self.goals}


# --- expectation clarification --------------------------------------------------------------------------

class ClarificationForm(PlanForm):
    will_do = forms.CharField(label=_("What the barnekoordinator will do"), widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": _("Write what the barnekoordinator will do for the "
                                                            "family.")})
    will_not_do = forms.CharField(label=_("What the barnekoordinator will not do"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    done_instead_by = forms.CharField(label=_("Who does that instead"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    contact_channels = forms.MultipleChoiceField(
        label=_("How the family wants to be contacted"), choices=ContactChannel.choices, required=False,
        widget=forms.CheckboxSelectMultiple, error_messages={"invalid_choice": _("Choose one of the options.")})
    contact_frequency = forms.ChoiceField(
        label=_("How often the family wants contact"), required=False,
        choices=[("", "–"), *ContactFrequency.choices],
        error_messages={"invalid_choice": _("Choose one of the options.")})
    contact_note = forms.CharField(label=_("More about contact (times that suit, language, interpreter)"),
                                   required=False, max_length=300,
                                   error_messages={"max_length": _("This is too long: at most 300 characters.")})
    delegated_authority = forms.CharField(
        label=_("The barnekoordinator's delegated authority in this municipality"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the coordinator may decide or require here, for example calling a meeting with the "
                    "services without the family."))


class SignForm(PlanForm):
    pass


class ApproveForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)


# --- participants -------------------------------------------------------------------------------------

class ParticipantForm(PlanForm):
    person = forms.ChoiceField(label=_("Who takes part?"),
                               error_messages={"required": _("Choose a person."),
                                               "invalid_choice": _("Choose a person from the list.")})
    role_text = forms.CharField(label=_("Role in the plan (optional)"), max_length=200, required=False)

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        family = plan.family
        current = plan.participants.filter(left_at__isnull=True)
        taken_members = set(current.values_list("family_member_id", flat=True))
        taken_children = set(current.values_list("child_id", flat=True))
        taken_users = set(current.values_list("user_id", flat=True))
        family_options = [(f"child:{c.pk}", f"{c.given_name} {c.family_name} ({_('the child')})")
                          for c in family.children.all() if c.pk not in taken_children]
        family_options += [(f"member:{m.pk}", f"{m.given_name} {m.family_name} ({m.get_relation_display().lower()})")
                           for m in family.members.all() if m.pk not in taken_members]
        staff_options = [(f"user:{pk}", label) for pk, label in possible_owners(plan) if pk not in taken_users
                         and not family.members.filter(user_id=pk).exists()]
        choices: list = [("", "–")]
        if family_options:
            choices.append((str(_("The family")), family_options))
        if staff_options:
            choices.append((str(_("Barnekoordinator and services")), staff_options))
        self.fields["person"].choices = choices
        self.plan = plan

    def service_kwargs(self) -> dict[str, Any]:
        kind, _sep, pk = self.cleaned_data["person"].partition(":")
        family = self.plan.family
        if kind == "child":
            return {"child": family.children.filter(pk=pk).first()}
        if kind == "member":
            return {"family_member": family.members.filter(pk=pk).first()}
        return {"user": User.objects.filter(pk=pk).first()}


# --- versions -----------------------------------------------------------------------------------------

class AsOfForm(StyledForm):
    dato = _date_field(_("Show the plan as it was on"))


class CompareForm(StyledForm):
    fra = forms.TypedChoiceField(label=_("From version"), coerce=int,
                                 error_messages={"invalid_choice": _("Choose a version from the list.")})
    til = forms.TypedChoiceField(label=_("To version"), coerce=int,
                                 error_messages={"invalid_choice": _("Choose a version from the list.")})

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, str(n)) for n in numbers]
        self.fields["fra"].choices = choices
        self.fields["til"].choices = choices

    def clean(self) -> dict:
        data = super().clean()
        if data.get("fra") is not None and data.get("fra") == data.get("til"):
            self.add_error("til", _("Choose two different versions."))
        return data
