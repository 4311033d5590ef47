"""Objects of the questionnaire for the authorization matrix (``los/access/tests/test_matrix.py``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from los.survey.models import Answer, Invitation, Moment, receipt_for


def matrix_objects(family) -> None:
    """An answered invitation for each family, so that the family's survey pages have real objects."""
    today = timezone.localdate()
    invitation = Invitation.objects.create(family=family, municipality=family.municipality, moment=Moment.YEARLY,
                                           due_on=today - timedelta(days=10), expires_on=today + timedelta(days=30),
                                           closed_on=today)
    Answer.objects.create(municipality=family.municipality, year=today.year, quarter=(today.month - 1) // 3 + 1,
                          moment=Moment.YEARLY,
                          respondent="guardian", receipt=receipt_for(invitation.secret), road_heavy=1,
                          comment="Matrise-svar")
