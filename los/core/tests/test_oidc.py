"""The OpenID Connect back-end links an ID-porten log-in to the guardian with the same fødselsnummer."""

import random
from datetime import date

import pytest

from los.accounts.oidc import LosOIDCBackend
from los.core import fnr


@pytest.mark.django_db
def test_guardian_is_linked_by_fodselsnummer_and_strangers_are_refused(world, settings):
    settings.OIDC_USERNAME_CLAIM = "pid"
    number = fnr.generate(date(1988, 4, 2), random.Random(1))
    member = world.other_family.members.get()
    member.fodselsnummer = number
    member.save()
    backend = LosOIDCBackend.__new__(LosOIDCBackend)  # no network configuration needed for claim handling
    assert backend.verify_claims({"pid": number})
    user = backend.create_user({"pid": number, "given_name": "Mor", "family_name": "Dal"})
    member.refresh_from_db()
    assert member.user == user
    assert list(backend.filter_users_by_claims({"pid": number})) == [user]
    stranger = fnr.generate(date(1990, 1, 1), random.Random(2))
    assert not backend.verify_claims({"pid": stranger})
    assert not backend.verify_claims({})
