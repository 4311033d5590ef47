"""The meeting page reads what it shows in a fixed number of queries: the minutes once, the previous meeting's
actions with it, the plan measures due for evaluation in one query."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from los.core.testing import page_and_queries
from los.meetings import services

from .conftest import held_meeting, schedule

#: Lowered from 31 when the page stopped reading the minutes three times, the previous meeting apart from its
#: actions, the one who called the meeting apart from the meeting, and the current plan apart from its measures;
#: from 27 when the previous meeting's actions and the other open actions came in one query and the recorded
#: transitions (moves, new coordinators, new contacts) are read only for a family that has any.
MEETING_PAGE_QUERIES = 24


def test_the_meeting_page_reads_what_it_shows_in_a_fixed_number_of_queries(client, group):
    g = group
    earlier = held_meeting(g)
    services.start_minutes(earlier, by=g.coordinator)
    services.add_action(earlier, by=g.coordinator, title="Søke om avlastning", owner_member=g.m_mother,
                        due_date=timezone.localdate() + timedelta(days=7))
    meeting = schedule(g)
    url = reverse("meetings:detail", args=[meeting.pk])
    client.force_login(g.coordinator)
    page, queries = page_and_queries(client, url)
    assert "Testvik skole, møterom 2" in page and "Søke om avlastning" in page
    assert len(queries) <= MEETING_PAGE_QUERIES, [q["sql"][:120] for q in queries]
