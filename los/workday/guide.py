"""The start guide for a new barnekoordinator: the first 30 days, step by step.

Most barnekoordinators have the role on top of another job, dread being appointed, learn by doing and forget the
rare tasks between one family and the next (DOMAIN.md § 5b). The guide walks them through the first month and keeps
the rare tasks in one place. The coordinating unit edits it to say how things are done in its municipality
(``StartGuide``); until then the default below is shown, in bokmål, nynorsk or English.

The text format is plain: steps are separated by an empty line; the first line of a step is its heading; a line that
starts with "- " is an item in a list. The default is written in the same format, so a unit starts from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from los.workday.models import StartGuide

DEFAULT_STEPS: tuple[tuple[Promise, tuple[Promise, ...]], ...] = (
    (_("Day 1: Find your way in Los"), (
        _("- Your start page, Today, shows everything that needs you, across your families, the most urgent first."),
        _("- Find any of your families with the search field at the top of every page."),
        _("- Ask your leader in the coordinating unit for a colleague who can share the work: a co-coordinator who "
          "can stand in for you, or a minute-taker for the meetings. Nobody should be alone in the role."),
    )),
    (_("Days 1–5: Learn what the role is, and what it is not"), (
        _("- The barnekoordinator coordinates the whole service offer, keeps the overview, informs and guides the "
          "family about services, benefits and user organisations, and drives the individual plan (helse- og "
          "omsorgstjenesteloven § 7-2 a)."),
        _("- You can ask the services to cooperate better, but you cannot overrule their professional decisions, "
          "their priorities or their budgets."),
        _("- Read the municipality's routine for the barnekoordinator and the delegation decision: what you may "
          "decide yourself, and whether you may call a professionals-only meeting (fagmøte)."),
    )),
    (_("Week 1: Get to know your families' cases"), (
        _("- For each family: read the handover summary, the individual plan, the latest minutes and the open "
          "actions before you call them, so that the family does not have to tell its story again."),
        _("- Look at the family's consents: which services you may share information with, and for what."),
    )),
    (_("Weeks 1–2: Call each family"), (
        _("- Introduce yourself and ask: what matters to you now?"),
        _("- Agree how and how often you will be in touch, and who in the family you talk with."),
        _("- Write the call down under “Contact between meetings”, with what you agreed and what you will follow "
          "up. It counts as contact, and nothing said on the phone is lost."),
    )),
    (_("Week 2: Clarify expectations"), (
        _("- Go through what you will do and what you will not do, and who does what instead."),
        _("- Write it in the expectation clarification of the plan and sign it together with the family."),
    )),
    (_("Weeks 2–3: The coordination group"), (
        _("- Check who is in the group, and that the family's consent covers the services in it."),
        _("- Call the first meeting. The draft agenda starts with what was agreed last time and what the family "
          "wants to talk about."),
        _("- Every agreement that needs doing gets an owner and a due date; Los reminds the owner."),
    )),
    (_("Week 3: Rights and services"), (
        _("- Open the navigator for each family: which rights and benefits may apply, and how to apply."),
        _("- Go through the service map: applications waiting, appeal deadlines and grants that must be renewed."),
        _("- Help with one application: that is what families miss most."),
    )),
    (_("Week 4: Make follow-up a habit"), (
        _("- Start each working day on Today: overdue actions, meetings this week, unread messages, deadlines, "
          "evaluations due and families you have not been in touch with."),
        _("- Set aside time in your calendar for the role, also when it is a small share of your position."),
    )),
    (_("Day 30: Talk with your leader"), (
        _("- What was hard? What do you need: training, a forum for dilemmas, a colleague to share meetings with?"),
        _("- Look at your load against your capacity together."),
    )),
    (_("Tasks you do rarely"), (
        _("- A child turns 18: plan the transition to adult services and an ordinary coordinator a year ahead. Los "
          "shows it under Transitions."),
        _("- You stop as coordinator: the unit changes the coordinator, and the new one gets a handover task with a "
          "summary of the case."),
        _("- A refusal: the appeal deadline depends on the law (3, 4 or 6 weeks). Los shows each deadline; help the "
          "family appeal in time."),
        _("- A family moves: the move is recorded with the family's consent, and the new municipality gets the "
          "case without the family telling it again."),
    )),
)


def default_text(language: str) -> str:
    """Los's default guide as editable text, in ``language``."""
    with translation.override(language):
        return "\n\n".join("\n".join([str(title), *(str(line) for line in lines)]) for title, lines in DEFAULT_STEPS)


@dataclass
class Step:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


def parse(text: str) -> list[Step]:
    """The guide's text as steps (see the module for the format)."""
    steps: list[Step] = []
    for block in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n\n"):
        lines = [line.rstrip() for line in block.strip().split("\n") if line.strip()]
        if not lines:
            continue
        step = Step(title=lines[0].lstrip("#").strip())
        for line in lines[1:]:
            stripped = line.strip()
            if stripped.startswith(("- ", "* ")):
                step.items.append(stripped[2:].strip())
            else:
                step.paragraphs.append(stripped)
        steps.append(step)
    return steps


def guide_for(municipality_id: int | None, language: str) -> tuple[str, StartGuide | None]:
    """The text of the municipality's guide in ``language`` (its own if written, else Los's default) and the row."""
    language = language if language in ("nb", "nn", "en") else "nb"
    row = (StartGuide.objects.filter(municipality_id=municipality_id, language=language).first()
           if municipality_id else None)
    return (row.text if row is not None else default_text(language)), row
