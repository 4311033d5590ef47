"""Forms of the navigator's pages. They only parse and check input; the rules are in services.py.

Every question is a group of radio buttons (yes / no / don't know) rendered inside its own
``<fieldset>`` with the question as ``<legend>``; the questions are grouped in fieldsets too. "Don't know"
is stored as no answer, so the navigator keeps asking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from los.core.models import Municipality, ProviderKind
from los.families.models import ConditionCategory, Setting
from los.navigator.catalog import LOCAL_PREFIX
from los.navigator.engine import load_catalog
from los.navigator.questionnaire import (
    DURATION_CHOICES,
    GROUPS,
    MAX_SIBLINGS,
    QUESTIONS,
    UNKNOWN,
    YES_NO_CHOICES,
    Question,
    answer_to_choice,
    apply_answers,
    choice_to_answer,
)
from los.navigator.selectors import PROFILE_SERVICES, catalog_for, catalogue_names
from los.referrals.forms import DsForm

CHOOSE_YES_NO = _("Choose “yes”, “no” or “don’t know”.")
CHOOSE_LISTED = _("Choose one of the answers in the list.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _radio(choices: list, label: Any, help_text: Any = "", message: Any = CHOOSE_YES_NO) -> forms.ChoiceField:
    return forms.ChoiceField(choices=choices, widget=forms.RadioSelect(attrs={"class": "ds-input"}), required=False,
                             initial=UNKNOWN, label=label, help_text=help_text,
                             error_messages={"invalid_choice": message})


def _question_field(question: Question) -> forms.Field:
    if question.kind == "yesno":
        return _radio(YES_NO_CHOICES, question.label, question.help_text)
    if question.kind == "duration":
        return _radio(DURATION_CHOICES, question.label, question.help_text, CHOOSE_LISTED)
    return forms.IntegerField(
        label=question.label, help_text=question.help_text, required=False, min_value=0, max_value=MAX_SIBLINGS,
        widget=forms.NumberInput(attrs={"class": "ds-input nav-number", "inputmode": "numeric"}),
        error_messages={"invalid": _("Write a whole number, for example 2, or leave it empty."),
                        "min_value": _("The number cannot be negative."),
                        "max_value": _("Write a number from 0 to %(limit_value)s.")},
    )


#: Each question is rendered as a field group by the form renderer (Jinja2; see the template).
QUESTION_TEMPLATE = "navigator/question.html"


class QuestionnaireForm(forms.Form):
    """The questions Los's data cannot settle, grouped."""

    optional_text = _("optional")  # after the label of a question that may be left empty

    def __init__(self, *args: Any, questions: list[Question] | tuple[Question, ...] = QUESTIONS,
                 answers: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        answers = answers or {}
        for question in self.questions:
            self.fields[question.key] = _question_field(question)
            self.initial.setdefault(question.key, answer_to_choice(question, answers.get(question.key)))
        for form_field in self.fields.values():
            form_field.template_name = QUESTION_TEMPLATE

    def question_changes(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(child answers, family answers) from the cleaned data; None means "don't know"."""
        child: dict[str, Any] = {}
        family: dict[str, Any] = {}
        for question in self.questions:
            value = choice_to_answer(question, self.cleaned_data.get(question.key))
            (child if question.scope == "child" else family)[question.key] = value
        return child, family

    # -- for the template ----------------------------------------------------------------------------

    def extra_sections(self) -> list[tuple[str, Any, list[str]]]:
        return []

    def sections(self) -> list[dict[str, Any]]:
        """Fieldsets in order: (id, legend, bound fields)."""
        out = [{"id": key, "legend": legend, "fields": [self[name] for name in names]}
               for key, legend, names in self.extra_sections() if names]
        for key, legend in GROUPS:
            names = [q.key for q in self.questions if q.group == key]
            names += [name for group, name in self.group_extras() if group == key]
            if names:
                out.append({"id": key, "legend": legend, "fields": [self[name] for name in names]})
        out += [{"id": key, "legend": legend, "fields": [self[name] for name in names]}
                for key, legend, names in self.trailing_sections() if names]
        return out

    def group_extras(self) -> list[tuple[str, str]]:
        return []

    def trailing_sections(self) -> list[tuple[str, Any, list[str]]]:
        return []

    def error_items(self) -> list[tuple[str, Any, str]]:
        """(anchor id, label, message) for the error summary; each links to its field."""
        items = []
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            bound = self[name]
            widget = bound.field.widget
            anchor = f"{bound.auto_id}_0" if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple) \
                else bound.id_for_label
            for error in errors:
                items.append((anchor, bound.label, error))
        return items


#: The family's questionnaire in short steps of three to five questions: (key, legend, the questions it asks). Each
#: step is a form of its own that saves only its questions.
FAMILY_STEPS: list[tuple[str, Any, tuple[str, ...]]] = [
    ("condition", _("The condition and care"),
     ("expected_duration_months", "extra_supervision_and_care", "night_care")),
    ("treatment", _("Treatment and training"),
     ("medical_treatment_at_home", "continuous_care_due_to_illness_period", "parent_training_at_institution")),
    ("moving", _("Moving about"), ("mobility_impairment", "uses_wheelchair", "needs_assistive_devices")),
    ("getting_around", _("Getting around"),
     ("needs_escort_for_activities", "needs_transport_to_school", "cannot_use_public_transport")),
    ("learning", _("Learning, communication and well-being"),
     ("communication_support", "learning_support", "behaviour_support", "mental_health_support")),
    ("family", _("Work, money and the family"),
     ("extra_expenses", "guardian_in_work", "reduced_work_because_of_care", "care_burden_heavy", "siblings")),
]


def family_step_of(question_key: str) -> int:
    """The step (1, 2 …) that asks ``question_key``; 0 when no step does."""
    return next((n for n, (_key, _legend, keys) in enumerate(FAMILY_STEPS, 1) if question_key in keys), 0)


def step_questions(questions: list[Question], step: int | None) -> list[Question]:
    """The questions of ``step`` (1 …) in the step's order, or all of them for no step."""
    if not step:
        return list(questions)
    by_key = {q.key: q for q in questions}
    return [by_key[key] for key in FAMILY_STEPS[step - 1][2] if key in by_key]


class FamilyQuestionnaireForm(QuestionnaireForm):
    """The questionnaire on the family's page, one step at a time (``step``; none: every question); the versions are
    those of the stored rows (0: none yet). Saving a step changes only that step's answers."""

    child = forms.IntegerField(widget=forms.HiddenInput)
    child_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    family_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    step = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=len(FAMILY_STEPS))

    def __init__(self, *args: Any, questions: list[Question] | tuple[Question, ...] = QUESTIONS,
                 step: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, questions=step_questions(list(questions), step), **kwargs)
        self.step_number = step
        if step:
            self.initial["step"] = step

    def sections(self) -> list[dict[str, Any]]:
        if not self.step_number:
            return super().sections()
        key, legend, _keys = FAMILY_STEPS[self.step_number - 1]
        return [{"id": key, "legend": legend, "fields": [self[q.key] for q in self.questions]}]


def parse_step(value: Any, steps: int = len(FAMILY_STEPS)) -> int | None:
    """A step number from a request (1 … ``steps``), or None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= steps else None


def _age_choices() -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = [("", _("Choose the age")), ("-1", _("We are expecting a child")),
                                      ("0", _("Under 1 year"))]
    choices += [(str(n), ngettext("%(n)d year", "%(n)d years", n) % {"n": n}) for n in range(1, 26)]
    return choices


SERVICE_LABELS = dict(ProviderKind.choices)


class AnonymousForm(QuestionnaireForm):
    """The questionnaire for anyone, without logging in: also what Los would otherwise know already.
    Nothing is stored; the answers only build a profile for one evaluation."""

    age = forms.ChoiceField(
        label=_("How old is the child?"), choices=_age_choices,
        widget=forms.Select(attrs={"class": "ds-input"}),
        error_messages={"required": _("Choose the child’s age, or that you are expecting a child."),
                        "invalid_choice": _("Choose an age from the list.")},
    )
    conditions = forms.MultipleChoiceField(
        label=_("What kind of illness, injury or disability does the child have?"),
        help_text=_("Choose all that fit. Leave empty if you do not want to say."),
        choices=ConditionCategory.choices, required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ds-input"}),
        error_messages={"invalid_choice": CHOOSE_LISTED},
    )
    setting = forms.ChoiceField(
        label=_("Where does the child spend the day?"), required=False, initial=UNKNOWN,
        choices=[*Setting.choices, (UNKNOWN, _("Don’t know"))],
        widget=forms.RadioSelect(attrs={"class": "ds-input"}), error_messages={"invalid_choice": CHOOSE_LISTED},
    )
    services = forms.MultipleChoiceField(
        label=_("Which services does the child have contact with now?"),
        help_text=_("Choose all that fit."), required=False,
        choices=[(value, SERVICE_LABELS[value]) for value in ProviderKind.values if value in PROFILE_SERVICES],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ds-input"}),
        error_messages={"invalid_choice": CHOOSE_LISTED},
    )
    guardians = forms.ChoiceField(
        label=_("How many parents or guardians does the child have?"), required=False, initial=UNKNOWN,
        choices=[("1", _("One")), ("2", _("Two")), ("3", _("Three")), ("4", _("Four")), (UNKNOWN, _("Don’t know"))],
        widget=forms.RadioSelect(attrs={"class": "ds-input"}), error_messages={"invalid_choice": CHOOSE_LISTED},
    )
    needs_interpreter = forms.ChoiceField(
        label=_("Do you need an interpreter when you talk with the services?"), required=False, initial=UNKNOWN,
        choices=YES_NO_CHOICES, widget=forms.RadioSelect(attrs={"class": "ds-input"}),
        error_messages={"invalid_choice": CHOOSE_YES_NO},
    )
    language = forms.ChoiceField(
        label=_("Which language do you speak best?"), required=False,
        help_text=_("Only used to suggest an interpreter."),
        widget=forms.Select(attrs={"class": "ds-input"}), error_messages={"invalid_choice": CHOOSE_LISTED},
    )
    has = forms.MultipleChoiceField(
        label=_("Which of these do you already have?"), required=False,
        help_text=_("They are then shown as already in place."),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ds-input"}),
        error_messages={"invalid_choice": CHOOSE_LISTED},
    )
    municipality = forms.ChoiceField(
        label=_("Which municipality do you live in?"), required=False,
        help_text=_("The list then shows the municipality’s own services and how to apply there."),
        widget=forms.Select(attrs={"class": "ds-input"}), error_messages={"invalid_choice": CHOOSE_LISTED},
    )

    def __init__(self, *args: Any, lang: str = "nb", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lang = lang
        self.fields["municipality"].choices = [("", _("Choose the municipality")),
                                               *((str(pk), name) for pk, name in
                                                 Municipality.objects.order_by("name").values_list("pk", "name"))]
        vocabulary = load_catalog().vocabulary.get("languages", {})
        languages = sorted(((code, names.get(lang, code)) for code, names in vocabulary.items()
                            if isinstance(names, dict) and code not in ("no",)), key=lambda pair: pair[1].lower())
        self.fields["language"].choices = [("", _("Choose a language")), *languages]
        names = catalogue_names(lang)
        self.fields["has"].choices = sorted(names.items(), key=lambda pair: pair[1].lower())

    def extra_sections(self) -> list[tuple[str, Any, list[str]]]:
        return [("child", _("About the child"), ["age", "conditions", "setting", "services"])]

    def group_extras(self) -> list[tuple[str, str]]:
        return [("family", "guardians")]

    def trailing_sections(self) -> list[tuple[str, Any, list[str]]]:
        return [("language", _("Language"), ["needs_interpreter", "language"]),
                ("has", _("What you already have"), ["has"])]

    # -- steps and the refining questions -------------------------------------------------------------------

    def municipality_id(self) -> int | None:
        value = self.cleaned_data.get("municipality") if hasattr(self, "cleaned_data") else None
        return int(value) if value else None

    def step_of_first_error(self) -> int:
        """The step (1 …) holding the first field with an error; 0 when the errors are all in the refining
        questions."""
        for number, (_key, _legend, names) in enumerate(ANONYMOUS_STEPS, 1):
            if any(name in self.errors for name in names):
                return number
        return 0

    def step_sections(self, step: int) -> list[dict[str, Any]]:
        """The fieldsets of one step, and any other field whose answer came back with an error (so that every error
        in the summary has its field on the page)."""
        key, legend, names = ANONYMOUS_STEPS[step - 1]
        out = [{"id": key, "legend": legend, "fields": [self[name] for name in names], "closed": False, "plain": True}]
        others = [name for name in self.fields if name in self.errors and name not in names]
        if others:
            out.append({"id": "check", "legend": _("Also check these answers"), "fields": [self[n] for n in others],
                        "closed": False})
        return out

    def shown_on_step(self, step: int) -> set[str]:
        return {f.name for section in self.step_sections(step) for f in section["fields"]}

    def refine_sections(self, settle_facts: list[str]) -> list[dict[str, Any]]:
        """The questions beside the list: first those whose answers would settle the possible entries (open), then
        the rest by group and what the family already has, each closed until opened (open when it holds an
        error)."""
        refine = [q for q in self.questions if q.key not in STEP_FIELDS]
        by_path = {".".join(q.path): q.key for q in refine}
        settle = list(dict.fromkeys(by_path[f] for f in settle_facts if f in by_path))[:SETTLE_SHOWN]
        out = []
        if settle:
            out.append({"id": "settle", "legend": _("Answer these first: they settle the most"),
                        "fields": [self[name] for name in settle], "closed": False})
        for key, legend in GROUPS:
            names = [q.key for q in refine if q.group == key and q.key not in settle]
            if names:
                out.append({"id": key, "legend": legend, "fields": [self[name] for name in names],
                            "closed": not any(name in self.errors for name in names)})
        out.append({"id": "has", "legend": _("What you already have"), "fields": [self["has"]],
                    "closed": "has" not in self.errors, "uncounted": True})
        return out

    def refine_names(self) -> set[str]:
        return {q.key for q in self.questions if q.key not in STEP_FIELDS} | {"has"}

    def hidden_values(self, shown: set[str]) -> list[tuple[str, str]]:
        """(name, value) of every answer given that is not shown as a field, so that it is sent on with the next
        step (the anonymous navigator keeps nothing between requests)."""
        if not self.is_bound:
            return []
        out = []
        for name in self.fields:
            if name in shown:
                continue
            for value in self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data.get(name)]:
                if value not in (None, ""):
                    out.append((name, str(value)))
        return out

    def profile(self) -> dict[str, Any]:
        """The family situation profile the answers describe (schema-valid)."""
        data = self.cleaned_data
        child: dict[str, Any] = {"age_years": int(data["age"])}
        if data.get("conditions"):
            child["condition_categories"] = sorted(set(data["conditions"]))
        if data.get("setting") and data["setting"] != UNKNOWN:
            child["setting"] = data["setting"]
        if data.get("services"):
            child["services_involved"] = sorted(set(data["services"]))
        family: dict[str, Any] = {"language": data.get("language") or self.lang}
        if data.get("guardians") and data["guardians"] != UNKNOWN:
            family["guardians"] = int(data["guardians"])
        if data.get("needs_interpreter") and data["needs_interpreter"] != UNKNOWN:
            family["needs_interpreter"] = data["needs_interpreter"] == "yes"
        profile: dict[str, Any] = {"child": child, "family": family}
        if data.get("has"):
            profile["has"] = {key: True for key in sorted(set(data["has"]))}
        child_answers, family_answers = self.question_changes()
        return apply_answers(profile, {k: v for k, v in child_answers.items() if v is not None},
                             {k: v for k, v in family_answers.items() if v is not None})


#: The anonymous navigator's first questions, in short steps: (key, legend, fields). The list comes after the last
#: step; the other questions refine it, beside the list.
ANONYMOUS_STEPS: list[tuple[str, Any, list[str]]] = [
    ("child", _("About the child"), ["age", "conditions", "expected_duration_months"]),
    ("day", _("Daily life and services"), ["setting", "services", "municipality"]),
    ("family", _("The family and language"), ["guardians", "needs_interpreter", "language"]),
]
STEP_FIELDS = frozenset(name for _key, _legend, names in ANONYMOUS_STEPS for name in names)
#: How many of the questions that would settle the possible entries are shown open beside the list (those that
#: settle the most first); the rest are in their groups.
SETTLE_SHOWN = 3


def applied_prefix(catalog_id: str) -> str:
    """The form prefix of a card's "we have applied" form: each card on a page has its own."""
    return f"applied-{catalog_id}"


@dataclass
class AppliedFields:
    """The "we have applied" form of one card as plain values for the template. A family's page has one per
    card: making and rendering a Django form for each was a fifth of the page's time. What is sent back is
    validated by :class:`AppliedForm`, whose field names these are."""

    prefix: str
    catalog_id: str
    child: int | None
    sent_on: str  # what the date field shows: the ISO date, or what was typed
    catalog_errors: list[str] = field(default_factory=list)
    sent_on_errors: list[str] = field(default_factory=list)
    other_errors: list[str] = field(default_factory=list)

    @classmethod
    def blank(cls, catalog_id: str, child: int | None, today: date) -> AppliedFields:
        return cls(applied_prefix(catalog_id), catalog_id, child, today.isoformat())

    @classmethod
    def from_form(cls, form: AppliedForm) -> AppliedFields:
        """The sent form again, with what was typed and what was wrong."""
        child = form["child"].value()
        return cls(form.prefix or "", str(form["catalog_id"].value() or ""), int(child) if child else None,
                   str(form["sent_on"].value() or ""),
                   [str(e) for e in form.errors.get("catalog_id", [])],
                   [str(e) for e in form.errors.get("sent_on", [])],
                   [str(e) for e in form.non_field_errors()])


class AppliedForm(forms.Form):
    """"We have applied": the entry and the day the application was sent."""

    catalog_id = forms.ChoiceField(widget=forms.HiddenInput, error_messages={
        "invalid_choice": _("Choose a right or service from the list."),
        "required": _("Choose a right or service from the list.")})
    child = forms.IntegerField(widget=forms.HiddenInput, required=False)
    sent_on = forms.DateField(
        label=_("Date you sent the application"), widget=DateInput(attrs={"class": "ds-input nav-date"}),
        error_messages={"required": _("Give the date you sent the application."),
                        "invalid": _("Write the date as day, month and year, for example 14.03.2026.")},
        input_formats=["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"],
    )

    def __init__(self, *args: Any, municipality_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["catalog_id"].choices = [(i, i) for i in catalog_for(municipality_id).ids]
        self.fields["sent_on"].initial = timezone.localdate()

    def clean_sent_on(self):
        value = self.cleaned_data["sent_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."), code="future")
        return value


# --------------------------------------------------------------------------------------------------
# The municipality's own layer: local services and routines (the coordinating unit)
# --------------------------------------------------------------------------------------------------

LANG_LABELS = {"nb": _("bokmål"), "nn": _("nynorsk"), "en": _("English")}
#: Texts of a local service: (key, label, required in bokmål and nynorsk).
LOCAL_TEXTS = [
    ("summary", _("What it is"), True),
    ("who", _("Who can get it"), True),
    ("who_decides", _("Who decides"), True),
    ("how_to_apply", _("How to apply"), True),
    ("attach", _("What to attach"), False),
    ("processing_time", _("Processing time"), False),
    ("appeal", _("How to appeal"), False),
    ("deadline_note", _("Time limits"), False),
]
ROUTINE_TEXTS = [
    ("how_to_apply", _("How to apply here")),
    ("contact", _("Whom to contact")),
    ("forms", _("Local forms")),
    ("processing_time", _("Expected processing time here")),
]
DEFAULT_RULE = "- use: born\n- use: condition\n"
DEFAULT_LEGAL = "kommunalt tilbud (ingen lovfestet rett)"
LOCAL_PRIORITY = 29


def _text_field(label: Any, lang: str, required: bool, rows: int = 2) -> forms.CharField:
    return forms.CharField(
        label=f"{label} ({LANG_LABELS[lang]})", required=required, max_length=2000,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": _("Write this in both bokmål and nynorsk.")})


class LocalEntryForm(DsForm):
    """One of the municipality's own services, written as a catalogue entry: names and texts in bokmål and nynorsk
    (English optional), the rule in the catalogue's rule language, the legal basis and the page that describes it."""

    entry_id = forms.RegexField(
        label=_("Id"), regex=r"^[a-z0-9_]{2,40}$", max_length=40,
        help_text=_("Lower-case letters a–z, digits and _, for example avlastningshus. It never changes once saved."),
        error_messages={"required": _("Give the service an id."),
                        "invalid": _("Use only lower-case letters a–z, digits and _ (2 to 40 characters).")})
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    appeal_rule = forms.ChoiceField(
        label=_("Decision and appeal"), required=False,
        choices=[("", _("No decision is made (nothing to appeal)")),
                 ("FVL", _("A decision under forvaltningsloven (appeal within 3 weeks)")),
                 ("PBRL", _("A decision under pasient- og brukerrettighetsloven (appeal within 4 weeks)"))])
    rule = forms.CharField(
        label=_("Who it is for (the rule)"), widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        initial=DEFAULT_RULE, max_length=8000,
        help_text=_("The catalogue’s rule language, one criterion per line, for example “- use: born”, “- use: "
                    "condition”, “- use: heavy_care” or “- use: long_term”. The navigator shows the service when every "
                    "criterion is met."),
        error_messages={"required": _("Write the rule, for example “- use: condition”.")})
    legal_ref = forms.CharField(label=_("Legal basis"), max_length=300, initial=DEFAULT_LEGAL,
                                help_text=_("A section number (§) is shown only with a source that confirms it."),
                                error_messages={"required": _("Write the legal basis, or keep “kommunalt tilbud”.")})
    legal_source = forms.URLField(label=_("Source for the legal basis"), required=False, max_length=500,
                                  error_messages={"invalid": _("Write a web address starting with https://.")})
    source_urls = forms.CharField(
        label=_("Where the service is described"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000,
        help_text=_("The municipality’s own page, one web address per line."),
        error_messages={"required": _("Give at least one web address where the service is described.")})
    valid_from = forms.DateField(label=_("Offered from"), required=False, widget=DateInput(),
                                 error_messages={"invalid": _("Write the date as day, month and year.")},
                                 input_formats=["%Y-%m-%d", "%d.%m.%Y"])
    valid_to = forms.DateField(label=_("Offered until"), required=False, widget=DateInput(),
                               error_messages={"invalid": _("Write the date as day, month and year.")},
                               input_formats=["%Y-%m-%d", "%d.%m.%Y"])
    active = forms.BooleanField(label=_("Shown to families"), required=False, initial=True)
    checked_on = forms.DateField(label=_("Checked on"), widget=DateInput(), input_formats=["%Y-%m-%d", "%d.%m.%Y"],
                                 help_text=_("The day you checked that the description is right. You sign it."),
                                 error_messages={"required": _("Give the day you checked the description."),
                                                 "invalid": _("Write the date as day, month and year.")})

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for group, label in (("name", _("Name")), ("provider", _("Provided by"))):
            for lang in ("nb", "nn", "en"):
                self.fields[f"{group}_{lang}"] = forms.CharField(
                    label=f"{label} ({LANG_LABELS[lang]})", required=lang != "en", max_length=200,
                    error_messages={"required": _("Write this in both bokmål and nynorsk.")})
        for key, label, required in LOCAL_TEXTS:
            for lang in ("nb", "nn", "en"):
                self.fields[f"{key}_{lang}"] = _text_field(label, lang, required and lang != "en")
        self.fields["checked_on"].initial = timezone.localdate()
        if editing:
            self.fields["entry_id"].required = False
            self.fields["entry_id"].disabled = True
        # DsForm styled the fields declared on the class; the fields added here get the same classes and links
        self.describe_inputs()

    def clean_rule(self) -> list:
        try:
            criteria = yaml.safe_load(self.cleaned_data["rule"])
        except yaml.YAMLError:
            raise forms.ValidationError(_("The rule could not be read. Write one criterion per line, starting with "
                                          "“- ”."), code="yaml") from None
        if not isinstance(criteria, list) or not criteria:
            raise forms.ValidationError(_("Write the rule as a list of criteria, one per line starting with “- ”."),
                                        code="not_list")
        return criteria

    def clean_source_urls(self) -> list[str]:
        urls = [line.strip() for line in self.cleaned_data["source_urls"].splitlines() if line.strip()]
        validator = URLValidator(schemes=["http", "https"])
        for url in urls:
            try:
                validator(url)
            except DjangoValidationError:
                raise forms.ValidationError(_("“%(url)s” is not a web address starting with https://.") % {"url": url},
                                            code="url") from None
        if not urls:
            raise forms.ValidationError(_("Give at least one web address where the service is described."))
        return urls

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The last day cannot be before the first."))
        return data

    def entry_data(self, municipality_name: str, entry_id: str, checked_on: date) -> dict[str, Any]:
        """The entry in the catalogue's format (the loader checks it before it is saved)."""
        d = self.cleaned_data
        checked = checked_on.isoformat()

        def texts(group: str) -> dict[str, str]:
            return {lang: d[f"{group}_{lang}"].strip() for lang in ("nb", "nn", "en") if d.get(f"{group}_{lang}")}

        legal = {"ref": d["legal_ref"].strip(), "verified": bool(d.get("legal_source"))}
        if d.get("legal_source"):
            legal["source"] = d["legal_source"]
        else:
            legal["note"] = "A local service; no source for a legal basis was given."
        sources = [{"url": url, "checked": checked, "about": f"{municipality_name}: the service described"}
                   for url in d["source_urls"]]
        if d.get("legal_source") and d["legal_source"] not in d["source_urls"]:
            sources.append({"url": d["legal_source"], "checked": checked, "about": "the legal basis"})
        data: dict[str, Any] = {
            "id": f"{LOCAL_PREFIX}{entry_id}", "sector": "municipal", "priority": LOCAL_PRIORITY,
            "names": texts("name"), "provider": texts("provider"), "legal_basis": [legal],
            "appeal_rule": d.get("appeal_rule") or None, "last_checked": checked, "sources": sources,
            "texts": {key: texts(key) for key, _label, _required in LOCAL_TEXTS if texts(key)},
            "rule": {"criteria": d["rule"]},
        }
        if d.get("valid_from"):
            data["valid_from"] = d["valid_from"].isoformat()
        if d.get("valid_to"):
            data["valid_to"] = d["valid_to"].isoformat()
        return data

    @staticmethod
    def initial_from(entry: Any) -> dict[str, Any]:
        """The form's values for a stored local service."""
        data = entry.data or {}
        initial: dict[str, Any] = {
            "entry_id": entry.entry_id.removeprefix(LOCAL_PREFIX), "version": entry.version, "active": entry.active,
            "checked_on": timezone.localdate(), "appeal_rule": data.get("appeal_rule") or "",
            "rule": yaml.safe_dump((data.get("rule") or {}).get("criteria") or [], allow_unicode=True,
                                   sort_keys=False, default_flow_style=None),
            "source_urls": "\n".join(s["url"] for s in data.get("sources") or [] if s.get("about") != "the legal basis"),
            "valid_from": data.get("valid_from"), "valid_to": data.get("valid_to"),
        }
        legal = (data.get("legal_basis") or [{}])[0]
        initial["legal_ref"], initial["legal_source"] = legal.get("ref", DEFAULT_LEGAL), legal.get("source", "")
        for group in ("names", "provider"):
            for lang, text in (data.get(group) or {}).items():
                initial[f"{group.removesuffix('s')}_{lang}"] = text
        for key, values in (data.get("texts") or {}).items():
            for lang, text in values.items():
                initial[f"{key}_{lang}"] = text
        return initial


class LocalRoutineForm(DsForm):
    """How the municipality handles a right or service from the national catalogue."""

    entry_id = forms.ChoiceField(label=_("Right or service"),
                                 error_messages={"required": _("Choose a right or service from the list."),
                                                 "invalid_choice": _("Choose a right or service from the list.")})
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    form_url = forms.URLField(label=_("Link to the municipality’s form"), required=False, max_length=500,
                              error_messages={"invalid": _("Write a web address starting with https://.")})
    checked_on = forms.DateField(label=_("Checked on"), widget=DateInput(), input_formats=["%Y-%m-%d", "%d.%m.%Y"],
                                 help_text=_("The day you checked that the routine is right. You sign it."),
                                 error_messages={"required": _("Give the day you checked the routine."),
                                                 "invalid": _("Write the date as day, month and year.")})

    def __init__(self, *args: Any, lang: str = "nb", editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = catalogue_names(lang)
        self.fields["entry_id"].choices = [("", _("Choose …"))] + sorted(names.items(), key=lambda kv: kv[1].lower())
        for key, label in ROUTINE_TEXTS:
            for lang_code in ("nb", "nn", "en"):
                field = _text_field(label, lang_code, False)
                field.widget.attrs["class"] = "ds-input"
                self.fields[f"{key}_{lang_code}"] = field
        self.fields["checked_on"].initial = timezone.localdate()
        self.fields["checked_on"].widget.attrs["aria-describedby"] = f"{self.auto_id % 'checked_on'}-help"
        if editing:
            self.fields["entry_id"].disabled = True

    def routine_texts(self) -> dict[str, dict[str, str]]:
        d = self.cleaned_data
        return {key: {lang: d.get(f"{key}_{lang}") or "" for lang in ("nb", "nn", "en")} for key, _label in ROUTINE_TEXTS}

    @staticmethod
    def initial_from(routine: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {"entry_id": routine.entry_id, "version": routine.version,
                                   "form_url": routine.form_url, "checked_on": timezone.localdate()}
        for key, values in (routine.texts or {}).items():
            for lang, text in values.items():
                initial[f"{key}_{lang}"] = text
        return initial
