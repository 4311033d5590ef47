"""Test hook for the authorization matrix (los/access/tests/test_matrix.py): one of each portal object."""

from __future__ import annotations

from los.families.models import Family, FamilyMember
from los.portal.models import FamilyStory, Message


def matrix_objects(family: Family) -> None:
    FamilyStory.objects.get_or_create(family=family, defaults={
        "municipality": family.municipality, "about_child": f"{family.display_name} story"})
    member = FamilyMember.objects.filter(family=family, user__isnull=False).select_related("user").first()
    sender = member.user if member else None
    if sender is None:
        from los.core import testing as t
        sender = t.user()
    Message.objects.create(family=family, municipality=family.municipality, sender=sender,
                           body=f"{family.display_name} message")
