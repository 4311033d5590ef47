"""Actions of the questionnaire: asking the families at the set moments, answering, saying no thanks, deleting.

Callers (views) have authorized the action on the invitation through the access policy. Answering and saying no
thanks look the same everywhere outside the family's own pages: the invitation gets ``closed_on`` (a date, no time),
the audit event is a change of the invitation either way, and the answer row carries nothing that names the
family or the moment of answering (``los.survey.models``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from los.core.deadlines import add_months
from los.families.models import GUARDIAN_RELATIONS, Child, CoordinatorAssignment, FamilyMember
from los.survey.models import Answer, Invitation, Moment, quarter_of, receipt_for
from los.survey.questions import COMMENT_MAX, items_for

#: A moment reached this many days ago is still asked (the daily task may have missed a day or two).
WINDOW_DAYS = 30
#: An invitation stays open this long after the moment.
OPEN_DAYS = 42
#: No new invitation to a family within this many days of the last one (a coordinator ending a month after the
#: three-month questionnaire does not ask the family again).
QUIET_DAYS = 90
#: Children answer their own short version from this age.
CHILD_AGE = 12
YOUNG_PERSON_AGE = 16


class InvitationClosedError(Exception):
    """The invitation was answered, declined or has expired (another guardian may have answered it)."""

    def __init__(self) -> None:
        super().__init__(_("This questionnaire is no longer open: someone in your family may have answered it "
                           "already, or the time to answer has run out. Nothing was saved."))


# --- asking at the set moments -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    family_id: int
    municipality_id: int
    moment: str
    due_on: date


def _years_after(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def due_moments(today: date, municipality_ids: list[int] | None = None) -> list[Due]:
    """The moments reached in the last :data:`WINDOW_DAYS` days, one per family (the newest), in three queries:

    - three months after the family's first barnekoordinator was appointed, and every year after that, while the
      family has a barnekoordinator;
    - the day the family's barnekoordinator ended, when the family has none since (not a change of coordinator).
    """
    since = today - timedelta(days=WINDOW_DAYS)
    assignments = CoordinatorAssignment.objects.all()
    if municipality_ids is not None:
        assignments = assignments.filter(municipality_id__in=municipality_ids)
    current = Q(started__lte=today) & (Q(ended__isnull=True) | Q(ended__gt=today))
    rows = (assignments.order_by().values("family_id", "family__municipality_id")
            .annotate(first=Min("started"), current=Count("pk", filter=current), last_end=Max("ended")))
    found: dict[int, Due] = {}
    for row in rows:
        family_id, municipality_id = row["family_id"], row["family__municipality_id"]
        if row["current"]:
            first = row["first"]
            candidates = [(Moment.THREE_MONTHS, add_months(first, 3))]
            years = today.year - first.year
            candidates += [(Moment.YEARLY, _years_after(first, n)) for n in (years - 1, years) if n >= 1]
            for moment, day in candidates:
                if since <= day <= today and (family_id not in found or found[family_id].due_on < day):
                    found[family_id] = Due(family_id, municipality_id, moment, day)
        elif row["last_end"] is not None and since <= row["last_end"] <= today:
            found[family_id] = Due(family_id, municipality_id, Moment.ENDING, row["last_end"])
    return list(found.values())


@transaction.atomic
def create_due_invitations(today: date | None = None, municipality_ids: list[int] | None = None) -> list[Invitation]:
    """Invite every family whose moment has come (and, from 12, each of its children), unless the family was asked
    in the last :data:`QUIET_DAYS` days. Idempotent: running it twice on a day creates nothing new. A fixed number
    of queries, whatever the number of families."""
    today = today or timezone.localdate()
    due = due_moments(today, municipality_ids)
    if not due:
        return []
    recent = set(Invitation.objects.filter(child__isnull=True, due_on__gt=today - timedelta(days=QUIET_DAYS))
                 .values_list("family_id", flat=True))
    due = [d for d in due if d.family_id not in recent]
    if not due:
        return []
    children: dict[int, list[Child]] = defaultdict(list)
    oldest = today - timedelta(days=366 * 18 + WINDOW_DAYS)
    for child in Child.objects.filter(family_id__in=[d.family_id for d in due], birth_date__gt=oldest).order_by(
            "birth_date", "pk"):
        children[child.family_id].append(child)
    invitations = []
    for d in due:
        expires = d.due_on + timedelta(days=OPEN_DAYS)
        if expires < today:
            continue
        invitations.append(Invitation(family_id=d.family_id, municipality_id=d.municipality_id, moment=d.moment,
                                      due_on=d.due_on, expires_on=expires))
        for child in children.get(d.family_id, []):
            age = child.age_on(d.due_on)
            if age is not None and CHILD_AGE <= age < 18:
                invitations.append(Invitation(
                    family_id=d.family_id, municipality_id=d.municipality_id, moment=d.moment, due_on=d.due_on,
                    expires_on=expires, child=child,
                    by_own_login=bool(child.user_id) and age >= YOUNG_PERSON_AGE))
    Invitation.objects.bulk_create(invitations, batch_size=2000, ignore_conflicts=True)
    return invitations


def recipients(invitations: list[Invitation]) -> set[int]:
    """The users to tell that something waits in Los: guardians with a log-in of each invited family, and the
    young person with an own log-in for their own invitation."""
    family_ids = {i.family_id for i in invitations if not i.by_own_login}
    users = set(FamilyMember.objects.filter(family_id__in=family_ids, user__isnull=False,
                                            relation__in=list(GUARDIAN_RELATIONS))
                .filter(Q(parental_responsibility=True) | Q(daily_care=True)).values_list("user_id", flat=True))
    child_ids = [i.child_id for i in invitations if i.by_own_login]
    users |= set(Child.objects.filter(pk__in=child_ids, user__isnull=False).values_list("user_id", flat=True))
    return users


# --- answering --------------------------------------------------------------------------------------------


def _locked_open(invitation: Invitation, today: date) -> Invitation:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_open_on(today):
        raise InvitationClosedError
    return locked


def cleaned_values(respondent: str, data: dict[str, Any]) -> dict[str, Any]:
    """The columns of an answer from a form's cleaned data: a code per question (or ``None``) and the comment."""
    values: dict[str, Any] = {}
    for item in items_for(respondent):
        value = data.get(item.field)
        values[item.field] = int(value) if value not in (None, "") else None
    values["comment"] = (data.get("comment") or "").strip()[:COMMENT_MAX]
    return values


@transaction.atomic
def answer(invitation: Invitation, data: dict[str, Any], today: date | None = None) -> bool:
    """Store the answers apart from the family and close the invitation. Returns whether anything was stored
    (a questionnaire sent with every question skipped stores nothing, and is then the same as no thanks)."""
    today = today or timezone.localdate()
    invitation = _locked_open(invitation, today)
    values = cleaned_values(invitation.respondent, data)
    stored = any(v not in (None, "") for v in values.values())
    if stored:
        Answer.objects.create(municipality_id=invitation.municipality_id, year=today.year, quarter=quarter_of(today),
                              moment=invitation.moment,
                              respondent=invitation.respondent, receipt=receipt_for(invitation.secret), **values)
    invitation.closed_on = today
    invitation.save(update_fields=["closed_on"])
    return stored


@transaction.atomic
def decline(invitation: Invitation, today: date | None = None) -> None:
    """No thanks: close the invitation without an answer."""
    today = today or timezone.localdate()
    invitation = _locked_open(invitation, today)
    invitation.closed_on = today
    invitation.save(update_fields=["closed_on"])


@transaction.atomic
def delete_answer(invitation: Invitation) -> int:
    """Delete the answers given to the invitation (the family's right to erase its own answers). The figures for
    that year change accordingly. Returns the number of answers deleted."""
    deleted, _by_model = Answer.objects.filter(receipt__in=invitation.receipts()).delete()
    return deleted

