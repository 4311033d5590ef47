"""The questionnaire: its questions, answer scales and codes, in one place.

The guardians' version has eight questions (two of them in two parts) and takes about two minutes on a phone;
the child's version (from 12) has four. Every question may be skipped. The wording follows what the national
evaluation's family survey (2023) asked about, so that the answers compare with its figures
(:mod:`los.survey.national`); which answers count towards each figure is in :data:`FIGURES`.

Codes: the options of a scale are numbered from 1 in the order shown; ``0`` is "don't know" and ``9`` "we have no
individual plan". Neither counts in the figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from los.survey.models import Respondent

Label = str | Promise
DONT_KNOW = 0
NO_PLAN = 9


@dataclass(frozen=True)
class Scale:
    options: tuple[tuple[int, Label], ...]
    extra: tuple[tuple[int, Label], ...] = ()  # "don't know", "we have no plan": not counted in the figures

    @property
    def choices(self) -> list[tuple[int, Label]]:
        return [*self.options, *self.extra]

    @property
    def counted(self) -> frozenset[int]:
        return frozenset(code for code, _label in self.options)

    def label(self, code: int | None) -> Label:
        return dict(self.choices).get(code, "") if code is not None else ""


AGREE = Scale(
    options=((1, _("Completely agree")), (2, _("Partly agree")), (3, _("Neither agree nor disagree")),
             (4, _("Partly disagree")), (5, _("Completely disagree"))),
    extra=((DONT_KNOW, _("Don't know")),))
DEGREE = Scale(
    options=((1, _("To a large degree")), (2, _("To some degree")), (3, _("To a small degree")), (4, _("Not at all"))),
    extra=((DONT_KNOW, _("Don't know")),))
SATISFACTION = Scale(
    options=((1, _("Very satisfied")), (2, _("Fairly satisfied")), (3, _("Neither satisfied nor dissatisfied")),
             (4, _("Fairly dissatisfied")), (5, _("Very dissatisfied"))),
    extra=((DONT_KNOW, _("Don't know")),))
USE = Scale(
    options=((1, _("Great practical use")), (2, _("Some practical use")), (3, _("Little practical use")),
             (4, _("No practical use"))),
    extra=((DONT_KNOW, _("Don't know")),))
PLAN_SATISFACTION = Scale(options=SATISFACTION.options,
                          extra=((DONT_KNOW, _("Don't know")), (NO_PLAN, _("We have no individual plan"))))
PLAN_USE = Scale(options=USE.options, extra=((DONT_KNOW, _("Don't know")), (NO_PLAN, _("We have no individual plan"))))
CHILD = Scale(options=((1, _("Yes, mostly")), (2, _("Sometimes")), (3, _("No"))),
              extra=((DONT_KNOW, _("I don't know")),))


@dataclass(frozen=True)
class Item:
    field: str  # the column of :class:`~los.survey.models.Answer`
    text: Label
    scale: Scale


@dataclass(frozen=True)
class Question:
    number: int
    title: Label
    items: tuple[Item, ...] = ()
    hint: Label = ""
    open: bool = False  # the open question: free text in ``Answer.comment``


COMMENT_MAX = 1000

GUARDIAN_QUESTIONS: tuple[Question, ...] = (
    Question(1, _("Getting the services"), (
        Item("road_heavy", _("The road to the services we have now was unnecessarily heavy."), AGREE),)),
    Question(2, _("Working together"), (
        Item("coordinated", _("The services we get are coordinated: they work together."), AGREE),)),
    Question(3, _("Depending on people"), (
        Item("depends_on_people", _("What we get depends on which people we happen to meet."), AGREE),)),
    Question(4, _("Rights"), (
        Item("rights_overview", _("Our barnekoordinator gives us an overview of our rights and of the help we can "
                                  "get."), DEGREE),)),
    Question(5, _("Applications"), (
        Item("application_help", _("Our barnekoordinator helps us with applications."), DEGREE),)),
    Question(6, _("The barnekoordinator"), (
        Item("coordinator_satisfaction", _("How satisfied are you with the barnekoordinator?"), SATISFACTION),
        Item("coordinator_use", _("How much practical use do you have of the barnekoordinator?"), USE))),
    Question(7, _("The individual plan"), (
        Item("plan_satisfaction", _("How satisfied are you with the individual plan?"), PLAN_SATISFACTION),
        Item("plan_use", _("How much practical use do you have of the individual plan?"), PLAN_USE))),
    Question(8, _("Anything else?"), open=True,
             hint=_("Is there anything you want the municipality to know about how it is going? The coordinating "
                    "unit reads this without knowing who wrote it, so do not write names.")),
)

CHILD_QUESTIONS: tuple[Question, ...] = (
    Question(1, _("Working together"), (
        Item("child_together", _("Do the adults who help you work well together?"), CHILD),)),
    Question(2, _("Being heard"), (
        Item("child_listened", _("Do the adults listen to what you think?"), CHILD),)),
    Question(3, _("Getting help"), (
        Item("child_knows_whom", _("Do you know whom to ask when you need help?"), CHILD),)),
    Question(4, _("Anything else?"), open=True,
             hint=_("Is there anything you want to say? Do not write names.")),
)


def questions_for(respondent: str) -> tuple[Question, ...]:
    return CHILD_QUESTIONS if respondent == Respondent.CHILD else GUARDIAN_QUESTIONS


def items_for(respondent: str) -> list[Item]:
    return [item for q in questions_for(respondent) for item in q.items]


ALL_ITEMS: dict[str, Item] = {item.field: item for q in (*GUARDIAN_QUESTIONS, *CHILD_QUESTIONS) for item in q.items}


@dataclass(frozen=True)
class Figure:
    """A share computed from one question: the answers in ``counts`` among every answer on the question's scale
    (``don't know`` and ``no plan`` left out)."""

    key: str
    field: str
    counts: frozenset[int]
    label: Label
    respondent: str = Respondent.GUARDIAN
    national: str = ""  # a key of los.survey.national.FIGURES
    lower_is_better: bool = True

    @property
    def scale(self) -> Scale:
        return ALL_ITEMS[self.field].scale


FIGURES: tuple[Figure, ...] = (
    Figure("road_heavy", "road_heavy", frozenset({1, 2}),
           _("The road to the services was unnecessarily heavy (agree)"), national="road_heavy"),
    Figure("not_coordinated", "coordinated", frozenset({4, 5}),
           _("The services are not coordinated (disagree that they are)"), national="not_coordinated"),
    Figure("depends_on_people", "depends_on_people", frozenset({1, 2}),
           _("What we get depends on individuals (agree)"), national="depends_on_people"),
    Figure("rights_overview", "rights_overview", frozenset({1}),
           _("The barnekoordinator gives an overview of rights to a large degree"), national="rights_overview",
           lower_is_better=False),
    Figure("application_help", "application_help", frozenset({1, 2}),
           _("The barnekoordinator helps with applications (to a large or some degree)"),
           national="application_help", lower_is_better=False),
    Figure("coordinator_satisfied", "coordinator_satisfaction", frozenset({1, 2}),
           _("Satisfied with the barnekoordinator"), national="coordinator_satisfied", lower_is_better=False),
    Figure("coordinator_little_use", "coordinator_use", frozenset({3, 4}),
           _("Little or no practical use of the barnekoordinator"), national="coordinator_little_use"),
    Figure("plan_satisfied", "plan_satisfaction", frozenset({1, 2}),
           _("Satisfied with the individual plan"), national="plan_satisfied", lower_is_better=False),
    Figure("plan_little_use", "plan_use", frozenset({3, 4}),
           _("Little or no practical use of the individual plan"), national="plan_little_use"),
    Figure("child_together", "child_together", frozenset({1}), _("The adults who help work well together (yes, mostly)"),
           respondent=Respondent.CHILD, lower_is_better=False),
    Figure("child_listened", "child_listened", frozenset({1}), _("The adults listen to what I think (yes, mostly)"),
           respondent=Respondent.CHILD, lower_is_better=False),
    Figure("child_knows_whom", "child_knows_whom", frozenset({1}), _("Knows whom to ask for help (yes, mostly)"),
           respondent=Respondent.CHILD, lower_is_better=False),
)
FIGURES_BY_KEY = {f.key: f for f in FIGURES}
