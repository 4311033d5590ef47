from datetime import date

import pytest
from django.urls import reverse

from los.access import audit
from los.access.models import Consent
from los.core.demo.seed import build


@pytest.mark.django_db
def test_demo_family_has_a_consent_history_an_access_log_and_an_intact_chain(client):
    ctx = build("demo", seed=1, today=date(2026, 11, 23))
    family = ctx.demo_family
    consents = Consent.objects.filter(family=family)
    assert consents.filter(withdrawn_at__isnull=False).exists()
    assert consents.filter(method="paper", recorded_by__username="koordinator").exists()
    assert consents.filter(service_provider__kind="school", withdrawn_at__isnull=True).exists()
    assert list(audit.verify()) == []
    from los.accounts.models import User

    client.force_login(User.objects.get(username="forelder"))
    page = client.get(reverse("access:family_access_log", kwargs={"family_pk": family.pk}),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Hanne Vestby" in page and "Tuva Brenden" in page and "but was refused" in page
    page = client.get(reverse("access:family_consents", kwargs={"family_pk": family.pk}),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Earlier consents" in page and "Withdrawn" in page and "On paper, scanned" in page
