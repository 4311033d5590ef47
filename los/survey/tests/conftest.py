from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from los.survey.models import Invitation, Moment


def invite(family, *, child=None, by_own_login: bool = False, due: date | None = None,
           moment: str = Moment.THREE_MONTHS) -> Invitation:
    due = due or timezone.localdate() - timedelta(days=3)
    return Invitation.objects.create(family=family, municipality=family.municipality, moment=moment, due_on=due,
                                     expires_on=due + timedelta(days=42), child=child, by_own_login=by_own_login)


#: A full answer to the guardians' questionnaire, as the form posts it.
FULL_ANSWER = {
    "road_heavy": "1", "coordinated": "4", "depends_on_people": "2", "rights_overview": "1",
    "application_help": "3", "coordinator_satisfaction": "2", "coordinator_use": "1", "plan_satisfaction": "9",
    "plan_use": "0", "comment": "Koordinatoren ringer alltid tilbake samme dag.",
}


@pytest.fixture
def invitation(world):
    return invite(world.family)
