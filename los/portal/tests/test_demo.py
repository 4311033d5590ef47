"""The demo family's portal: a story, a message thread with unread messages, needs of carers."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from los.accounts.models import User
from los.core.demo.seed import build
from los.portal import selectors
from los.portal.models import Message, MessageRead

TODAY = date(2026, 11, 23)


@pytest.mark.django_db
def test_demo_family_shows_the_portal(client):
    ctx = build("demo", seed=5, today=TODAY)
    family = ctx.demo_family
    assert selectors.story_for(family) is not None
    assert Message.objects.filter(family=family).count() >= 4
    parent = User.objects.get(username="forelder")
    assert MessageRead.objects.filter(family=family, recipient=parent, read_at__isnull=True).exists()
    assert family.members.exclude(needs="").exists()
    client.force_login(parent)
    for name in ("portal:overview", "portal:story", "portal:messages", "portal:needs"):
        assert client.get(reverse(name, args=[family.pk])).status_code == 200
