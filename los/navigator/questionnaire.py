"""The navigator's questionnaire: the questions Los's own data cannot settle, in plain words.

Each :class:`Question` maps one answer to one fact of the family situation profile
(``profile.schema.json``): a child's need (``child.needs.night_care``), the expected duration, or a fact
about the family (``family.guardian_in_work``). Answers are ``True``/``False`` (yes/no) or a number; "don't
know" is no answer at all, so the fact stays unknown and the navigator says *possible* and asks.

The same questions serve the family's page (answers stored in
:class:`~los.navigator.models.NavigatorAnswers`) and the anonymous page (nothing stored).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

YES, NO, UNKNOWN = "yes", "no", "unknown"

#: Radio choices for a yes/no question. "Don't know" is a real choice, so nobody has to guess.
YES_NO_CHOICES = [(YES, _("Yes")), (NO, _("No")), (UNKNOWN, _("Don’t know"))]

#: The expected duration of the condition and the needs, in months (``child.expected_duration_months``).
#: 12 months or more counts as long-term; NAV's "lasting" is read as 24 months or more.
DURATION_CHOICES = [
    ("3", _("Less than 6 months")),
    ("6", _("6 to 12 months")),
    ("12", _("1 to 2 years")),
    ("24", _("2 years or more, or for life")),
    (UNKNOWN, _("Don’t know")),
]

GROUPS: list[tuple[str, Promise]] = [
    ("condition", _("The condition")),
    ("care", _("Care and supervision")),
    ("moving", _("Moving about and getting around")),
    ("learning", _("Learning, communication and well-being")),
    ("family", _("Work, money and the family")),
]


@dataclass(frozen=True)
class Question:
    key: str  # the answer's key; also the fact's last name in the profile
    scope: str  # "child" (stored per child) or "family" (stored once for the family)
    group: str
    label: Promise
    help_text: Promise | str = ""
    kind: str = "yesno"  # yesno | duration | count
    short: Promise | str = ""  # a "yes" in a few words, for the summary carried into the request form

    @property
    def path(self) -> tuple[str, ...]:
        if self.kind == "duration":
            return ("child", "expected_duration_months")
        if self.scope == "child":
            return ("child", "needs", self.key)
        return ("family", self.key)


QUESTIONS: tuple[Question, ...] = (
    Question("expected_duration_months", "child", "condition",
             _("How long are the condition and the needs expected to last?"),
             _("Your best guess is fine. Many rights are for needs that last a year or more."), kind="duration"),
    Question("extra_supervision_and_care", "child", "care",
             _("Does the child need much more supervision, care or help than other children of the same age?"),
             short=_("needs much more supervision, care or help than other children of the same age")),
    Question("night_care", "child", "care", _("Does the child need care or supervision at night?"),
             short=_("needs care or supervision at night")),
    Question("medical_treatment_at_home", "child", "care",
             _("Does the child get medical treatment at home?"),
             _("For example tube feeding, oxygen, injections or other treatment you give or get help with."),
             short=_("gets medical treatment at home")),
    Question("continuous_care_due_to_illness_period", "child", "care",
             _("Is the child now in a period of illness, hospital stay or treatment where a parent must be "
               "there all the time?"),
             short=_("a parent must be there all the time in a period of illness or treatment")),
    Question("parent_training_at_institution", "child", "care",
             _("Do you as parents need training at a hospital, HABU or a competence centre to care for the "
               "child?"),
             short=_("we parents need training at a hospital, HABU or a competence centre")),
    Question("mobility_impairment", "child", "moving",
             _("Does the child find it hard to walk or move about?"),
             short=_("finds it hard to walk or move about")),
    Question("uses_wheelchair", "child", "moving", _("Does the child use a wheelchair?"),
             short=_("uses a wheelchair")),
    Question("needs_assistive_devices", "child", "moving",
             _("Does the child need assistive devices?"),
             _("For example a special bed, seat, lift, walker or a device to communicate."),
             short=_("needs assistive devices")),
    Question("needs_escort_for_activities", "child", "moving",
             _("Does the child need an adult along to take part in leisure activities, more than other children "
               "of the same age?"),
             short=_("needs an adult along in leisure activities")),
    Question("needs_transport_to_school", "child", "moving",
             _("Does the child need transport to kindergarten or school because of the condition?"),
             short=_("needs transport to kindergarten or school")),
    Question("cannot_use_public_transport", "child", "moving",
             _("Is the child unable to travel by bus, tram or train because of the condition?"),
             short=_("cannot travel by bus, tram or train")),
    Question("communication_support", "child", "learning",
             _("Does the child need help to communicate?"),
             _("For example sign language, pictures or a speech device."),
             short=_("needs help to communicate")),
    Question("learning_support", "child", "learning", _("Does the child need extra help to learn?"),
             short=_("needs extra help to learn")),
    Question("behaviour_support", "child", "learning", _("Does the child need help with behaviour?"),
             short=_("needs help with behaviour")),
    Question("mental_health_support", "child", "learning",
             _("Does the child need help with mental health?"),
             _("For example anxiety, low mood, sleep or eating problems."),
             short=_("needs help with mental health")),
    Question("extra_expenses", "child", "family",
             _("Do you have lasting extra expenses because of the condition?"),
             _("For example transport, clothes and shoes that wear out, a special diet or a phone."),
             short=_("we have lasting extra expenses because of the condition")),
    Question("guardian_in_work", "family", "family",
             _("Is at least one of you (the parents) in paid work, freelance or self-employed?"),
             short=_("at least one of us is in paid work")),
    Question("reduced_work_because_of_care", "family", "family",
             _("Has one of you had to work less, or stop working, to care for the child?"),
             short=_("one of us works less, or has stopped working, to care for the child")),
    Question("care_burden_heavy", "family", "family",
             _("Is caring for the child particularly heavy – more than ordinary parenting?"),
             short=_("caring for the child is particularly heavy")),
    Question("siblings", "family", "family", _("How many brothers and sisters does the child have?"),
             _("Leave it empty if you would rather not say."), kind="count"),
)

QUESTIONS_BY_KEY = {q.key: q for q in QUESTIONS}
CHILD_KEYS = frozenset(q.key for q in QUESTIONS if q.scope == "child")
FAMILY_KEYS = frozenset(q.key for q in QUESTIONS if q.scope == "family")
MAX_SIBLINGS = 20


def clean_answers(raw: Mapping[str, Any], scope: str) -> dict[str, Any]:
    """Only the keys of ``scope`` with a valid value (what a stored answers row may hold)."""
    out: dict[str, Any] = {}
    for key, value in (raw or {}).items():
        question = QUESTIONS_BY_KEY.get(key)
        if question is None or question.scope != scope or value is None:
            continue
        if question.kind == "yesno" and isinstance(value, bool):
            out[key] = value
        elif question.kind == "duration" and isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            out[key] = value
        elif (question.kind == "count" and isinstance(value, int) and not isinstance(value, bool)
              and 0 <= value <= MAX_SIBLINGS):
            out[key] = value
    return out


def apply_answers(profile: dict[str, Any], child_answers: Mapping[str, Any] | None,
                  family_answers: Mapping[str, Any] | None) -> dict[str, Any]:
    """A copy of ``profile`` with the answers filled in. An answer never removes a fact the data gave,
    except that an answered number of siblings replaces an unknown one."""
    profile = dict(profile)  # copy the parts that change; the rest is shared, never changed
    child = profile["child"] = dict(profile.get("child") or {})
    if isinstance(child.get("needs"), dict):
        child["needs"] = dict(child["needs"])
    family = profile["family"] = dict(profile.get("family") or {})
    for key, value in clean_answers(child_answers or {}, "child").items():
        question = QUESTIONS_BY_KEY[key]
        if question.kind == "duration":
            child["expected_duration_months"] = value
        else:
            child.setdefault("needs", {})[key] = value
    for key, value in clean_answers(family_answers or {}, "family").items():
        if key == "siblings" and family.get("siblings"):
            continue  # Los's own record of the siblings wins
        family[key] = value
    return profile


def answer_to_choice(question: Question, value: Any) -> str:
    """The form value for a stored answer."""
    if value is None:
        return "" if question.kind == "count" else UNKNOWN
    if question.kind == "yesno":
        return YES if value else NO
    if question.kind == "duration":
        best = DURATION_CHOICES[0][0]
        for months, _label in DURATION_CHOICES[:-1]:
            if value >= int(months):
                best = months
        return best
    return str(value)


def choice_to_answer(question: Question, choice: Any) -> Any:
    """The stored answer for a cleaned form value (None for "don't know")."""
    if choice in (None, "", UNKNOWN):
        return None
    if question.kind == "yesno":
        return choice == YES
    return int(choice)
