"""Inter-municipal agreements open one municipality's families to another's staff: every change is audited."""

from datetime import date

import pytest
from django.urls import reverse

from los.access.models import AuditEvent
from los.access.policy import decide
from los.accounts.models import User
from los.core.models import MunicipalityAgreement


@pytest.mark.django_db
def test_an_agreement_made_and_ended_in_the_admin_is_in_both_municipalities_chains(client, world):
    User.objects.filter(pk=world.admin.pk).update(is_staff=True, is_superuser=True)
    client.force_login(world.admin)
    host, member = world.other_municipality, world.municipality
    response = client.post(reverse("admin:core_municipalityagreement_add"), {
        "host": str(host.pk), "member": str(member.pk), "purpose": "Felles koordinerende enhet",
        "valid_from": "2026-01-01", "reference": "IKS-1"})
    assert response.status_code == 302
    agreement = MunicipalityAgreement.objects.get()
    assert decide(User.objects.get(pk=world.foreign_caseworker.pk), "view", world.family)
    made = list(AuditEvent.objects.filter(object_type="MunicipalityAgreement").order_by("chain")
                .values_list("chain", "actor__username", "reason"))
    assert sorted(c for c, _a, _r in made) == sorted([str(host.pk), str(member.pk)])
    assert all(a == "admin" and r.startswith("inter-municipal agreement made: Annenby serves the families of "
                                             "Testvik from 2026-01-01 until further notice") for _c, a, r in made)

    client.post(reverse("admin:core_municipalityagreement_change", args=[agreement.pk]), {
        "host": str(host.pk), "member": str(member.pk), "purpose": "Felles koordinerende enhet",
        "valid_from": "2026-01-01", "valid_to": "2026-02-01", "reference": "IKS-1"})
    changed = AuditEvent.objects.filter(object_type="MunicipalityAgreement", chain=str(member.pk)).latest("seq")
    assert changed.reason.startswith("inter-municipal agreement changed (valid_to)")
    assert MunicipalityAgreement.objects.get().valid_to == date(2026, 2, 1)
    # agreements are ended, never deleted
    assert client.get(reverse("admin:core_municipalityagreement_delete", args=[agreement.pk])).status_code == 403
