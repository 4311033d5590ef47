"""What the API answers (OpenAPI schemas). Each resource is a plain object; lists are pages."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field, create_model


class Me(Schema):
    username: str
    name: str
    roles: list[str]
    token: str | None = Field(None, description="The token's name, when the call is made with a token.")
    municipality: str | None = Field(None, description="The municipality the token is limited to.")
    scopes: list[str] | None = None


class FamilyRowOut(Schema):
    # What every row of a family's data answers first: its own id and its family's.
    id: int
    family_id: int


class PlanPartOut(Schema):
    # What every part of a plan answers first: its own id and its plan's.
    id: int
    plan_id: int


class FamilyOut(Schema):
    id: int
    reference: str
    display_name: str
    status: str
    municipality: str
    municipality_number: str
    preferred_language: str
    created_at: datetime
    closed_at: datetime | None = None
    coordinator: str | None = Field(None, description="The current barnekoordinator's name.")


class ChildOut(FamilyRowOut):
    given_name: str
    family_name: str
    birth_date: date | None = None
    expected_birth_date: date | None = None
    setting: str
    condition_categories: list[str] | None = Field(
        None, description="Only when the caller may see the child's health information; otherwise null.")


class PlanOut(FamilyRowOut):
    status: str
    what_matters: str
    revision: int
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None


class GoalOut(PlanPartOut):
    text: str
    whose: str
    category: str
    child_id: int | None = None
    archived: bool


class MeasureOut(PlanPartOut):
    goal_id: int | None = None
    title: str
    description: str
    status: str
    owner: str
    start: date | None = None
    due_date: date | None = None


class MeetingOut(FamilyRowOut):
    kind: str
    status: str
    starts_at: datetime
    ends_at: datetime
    place: str


class ActionOut(FamilyRowOut):
    meeting_id: int | None = None
    title: str
    status: str
    due_date: date
    owner: str
    done_at: datetime | None = None


class ServiceOut(FamilyRowOut):
    child_id: int | None = None
    name: str
    catalog_id: str
    provider: str
    sector: str
    state: str
    period_from: date | None = None
    period_to: date | None = None


class ApplicationOut(FamilyRowOut):
    service_id: int
    sent_on: date
    decision: str
    decision_on: date | None = None
    appeal_deadline: date | None = None


class ConsentOut(FamilyRowOut):
    service: str | None = None
    person: str | None = None
    categories: list[str]
    purpose: str
    method: str
    valid_from: datetime
    valid_to: datetime
    withdrawn_at: datetime | None = None
    status: str


class SuggestionOut(Schema):
    id: str
    relevance: str
    reasons: list[str]
    legal_basis: list[str]
    provider: str
    how_to_apply: str
    deadline_note: str


class NotApplicableOut(Schema):
    id: str
    reasons: list[str]


class NavigatorOut(Schema):
    catalog_version: str
    as_of: str
    suggestions: list[SuggestionOut]
    not_applicable: list[NotApplicableOut]


class StatCell(Schema):
    value: float | int | str | None = None
    hidden: bool = Field(False, description="Hidden to protect small numbers.")


class StatRow(Schema):
    key: str
    label: str
    total: bool
    cells: list[StatCell]


class StatTable(Schema):
    id: str
    title: str
    columns: list[str]
    rows: list[StatRow]
    protected: bool
    available: bool


class StatisticsOut(Schema):
    municipalities: list[str]
    period_start: date
    period_end: date
    protected: bool
    tables: list[StatTable]


def page_of(item: type[Schema]) -> type[Schema]:
    """A page of ``item`` with the total count (limit/offset pagination)."""
    return create_model(
        f"{item.__name__.removesuffix('Out')}Page", __base__=Schema,
        count=(int, Field(..., description="How many items there are in all.")),
        limit=(int, ...), offset=(int, ...), items=(list[item], ...),
    )
