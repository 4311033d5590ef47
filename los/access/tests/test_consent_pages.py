"""The consent register pages: give, record and withdraw consent, as the family and staff experience it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from los.access.models import AuditEvent, Category, Consent, ConsentMethod
from los.accounts.models import Role
from los.core import testing as t
from los.families.models import FamilyMember

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def consents_url(family):
    return reverse("access:family_consents", kwargs={"family_pk": family.pk})


def give_url(family):
    return reverse("access:give_consent", kwargs={"family_pk": family.pk})


def family_url(family):
    return reverse("families:detail", args=[family.pk])


def give_digitally(client, family, provider, categories, last_day=None):
    """Go through both steps as a user would: choose, read the text, confirm."""
    data = {"step": "preview", "service_provider": provider.pk, "categories": categories}
    if last_day is not None:
        data["last_day"] = last_day.isoformat()
    else:
        page = client.get(give_url(family), **EN).content.decode()
        default = (timezone.localdate() + timedelta(days=365)).isoformat()
        assert f'value="{default}"' in page  # the default end date is one year ahead
        data["last_day"] = default
    preview = client.post(give_url(family), data, **EN)
    assert preview.status_code == 200
    form = preview.context["form"]
    confirm = {"step": "confirm", "service_provider": provider.pk, "categories": categories,
               "last_day": data["last_day"], "text_digest": form.initial["text_digest"], "confirm": "on"}
    return preview, client.post(give_url(family), confirm, **EN)


@pytest.mark.django_db
class TestGiveConsent:
    def test_guardian_gives_consent_in_two_steps_and_the_text_shown_is_stored(self, client, world):
        client.force_login(world.parent)
        preview, done = give_digitally(client, world.family, world.school, ["plan", "meetings"])
        text = preview.context["text"]
        assert "Testvik skole" in text and "Individual plan" in text
        assert escape(text).replace("\n", "<br>") in preview.content.decode()
        assert done.status_code == 302 and done["Location"] == consents_url(world.family)
        consent = Consent.objects.get(family=world.family)
        assert consent.text_shown == text
        assert consent.method == ConsentMethod.DIGITAL
        assert consent.given_by_member.user == world.parent
        assert consent.categories == ["case", "plan", "meetings"]
        assert consent.last_day == timezone.localdate() + timedelta(days=365)
        assert AuditEvent.objects.filter(family=world.family, object_type="Consent", action="share",
                                         actor=world.parent).exists()
        page = client.get(consents_url(world.family), **EN).content.decode()
        assert "Consents in force" in page and "Testvik skole" in page and "Individual plan" in page
        assert "Digitally in Los" in page

    def test_the_service_sees_the_family_on_the_next_request(self, client, world):
        school = Client()
        school.force_login(world.contact)
        assert school.get(family_url(world.family)).status_code == 404
        client.force_login(world.parent)
        give_digitally(client, world.family, world.school, ["plan"])
        assert school.get(family_url(world.family)).status_code == 200

    def test_without_confirming_nothing_is_saved_and_choices_are_kept(self, client, world):
        client.force_login(world.parent)
        preview = client.post(give_url(world.family), {"step": "preview", "service_provider": world.school.pk,
                                                       "categories": ["plan"],
                                                       "last_day": "2099-01-01"}, **EN)
        assert "at most three years" in preview.content.decode()
        ok = client.post(give_url(world.family), {"step": "preview", "service_provider": world.school.pk,
                                                  "categories": ["plan"],
                                                  "last_day": (timezone.localdate() + timedelta(days=30)).isoformat()},
                         **EN)
        digest = ok.context["form"].initial["text_digest"]
        response = client.post(give_url(world.family), {"step": "confirm", "service_provider": world.school.pk,
                                                        "categories": ["plan"], "text_digest": digest,
                                                        "last_day": (timezone.localdate()
                                                                     + timedelta(days=30)).isoformat()}, **EN)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Tick the box to confirm" in page
        assert 'aria-describedby="confirm-error"' in page
        assert not Consent.objects.exists()

    def test_missing_choices_give_clear_messages_in_the_users_language(self, client, world):
        client.force_login(world.parent)
        response = client.post(give_url(world.family), {"step": "preview", "service_provider": world.school.pk,
                                                        "last_day": ""}, HTTP_ACCEPT_LANGUAGE="nb")
        page = response.content.decode()
        assert response.status_code == 200
        assert "Velg minst én type opplysninger." in page
        assert 'class="ds-error-summary"' in page
        assert f'<option value="{world.school.pk}" selected>' in page  # the choice is kept

    def test_a_changed_text_must_be_read_again(self, client, world):
        client.force_login(world.parent)
        last = (timezone.localdate() + timedelta(days=30)).isoformat()
        response = client.post(give_url(world.family), {"step": "confirm", "service_provider": world.school.pk,
                                                        "categories": ["plan"], "last_day": last,
                                                        "text_digest": "0" * 64, "confirm": "on"}, **EN)
        assert response.status_code == 200
        assert "Read it again" in response.content.decode()
        assert not Consent.objects.exists()

    def test_only_services_of_the_familys_municipality_can_be_chosen(self, client, world):
        foreign = t.provider(world.other_municipality, name="Annenby skole")
        client.force_login(world.parent)
        page = client.get(give_url(world.family), **EN).content.decode()
        assert "Annenby skole" not in page
        response = client.post(give_url(world.family), {"step": "preview", "service_provider": foreign.pk,
                                                        "categories": ["plan"], "last_day": "2030-01-01"}, **EN)
        assert "Choose a service from the list." in response.content.decode()

    def test_guardian_without_the_right_to_consent_cannot_give_consent(self, client, world):
        foster = t.user("fosterforelder")
        FamilyMember.objects.create(family=world.family, municipality=world.municipality, relation="foster_parent",
                                    given_name="Fos", family_name="Ter", daily_care=True, may_consent=False,
                                    user=foster)
        client.force_login(foster)
        page = client.get(consents_url(world.family), **EN)
        assert page.status_code == 200 and "Give a new consent" not in page.content.decode()
        assert client.get(give_url(world.family)).status_code == 403

    def test_staff_cannot_give_consent_for_the_family(self, client, world):
        for person in (world.coordinator, world.caseworker):
            client.force_login(person)
            assert client.get(give_url(world.family)).status_code == 403


@pytest.mark.django_db
class TestYoungPerson:
    @pytest.fixture
    def young(self, world):
        child = world.family.children.get()
        child.birth_date = timezone.localdate() - timedelta(days=17 * 365)
        child.user = t.user("ungdom")
        child.save()
        return child

    def test_young_person_consents_to_own_health_information_only(self, client, world, young):
        habu = t.provider(world.municipality, "habu", "HABU Testvik")
        client.force_login(young.user)
        page = client.get(give_url(world.family), **EN).content.decode()
        assert "you decide over your own health information" in page
        assert 'value="plan"' not in page and 'value="health"' in page
        preview, done = give_digitally(client, world.family, habu, ["health"])
        assert done.status_code == 302
        consent = Consent.objects.get()
        assert consent.given_by_child == young and consent.categories == ["case", "health"]
        assert "16 or older" in consent.text_shown
        # guardians cannot withdraw it; the young person can
        client.force_login(world.parent)
        withdraw = reverse("access:withdraw_consent", kwargs={"family_pk": world.family.pk, "consent_pk": consent.pk})
        page = client.get(consents_url(world.family), **EN).content.decode()
        assert withdraw not in page
        assert client.post(withdraw).status_code == 403
        client.force_login(young.user)
        assert client.post(withdraw).status_code == 302
        consent.refresh_from_db()
        assert consent.withdrawn_by == young.user

    def test_guardians_consent_does_not_cover_a_young_persons_health(self, world, young):
        from los.access.policy import Action, decide

        habu_contact = t.staff(Role.SERVICE_CONTACT, world.municipality, "habu.kontakt")
        provider = habu_contact.active_roles()[0].service_provider
        t.consent(world.family, provider, categories=["case", "health"])
        assert decide(habu_contact, Action.VIEW, world.family, Category.HEALTH).allowed  # family level
        assert not decide(habu_contact, Action.VIEW, young, Category.HEALTH).allowed

    def test_young_person_hides_health_information_from_guardians(self, client, world, young):
        from los.access.policy import Action, decide

        client.force_login(young.user)
        page = client.get(consents_url(world.family), **EN).content.decode()
        assert "Now: your guardians can see your health information." in page
        response = client.post(reverse("access:health_sharing", kwargs={"family_pk": world.family.pk}),
                               {"shares": "no"}, **EN)
        assert response.status_code == 302
        young.refresh_from_db()
        assert not young.shares_health_with_guardians
        assert not decide(world.parent, Action.VIEW, young, Category.HEALTH).allowed
        assert AuditEvent.objects.filter(family=world.family, actor=young.user, category="health",
                                         action="share").exists()

    def test_a_guardian_cannot_decide_the_young_persons_health_sharing(self, client, world, young):
        client.force_login(world.parent)
        client.post(reverse("access:health_sharing", kwargs={"family_pk": world.family.pk}), {"shares": "yes"})
        young.refresh_from_db()
        young.shares_health_with_guardians = False
        young.save()
        client.post(reverse("access:health_sharing", kwargs={"family_pk": world.family.pk}), {"shares": "yes"})
        young.refresh_from_db()
        assert not young.shares_health_with_guardians


@pytest.mark.django_db
class TestWithdrawAndExpiry:
    def test_withdrawal_in_one_click_takes_effect_on_the_next_request(self, client, world):
        consent = t.consent(world.family, world.school, categories=["case", "plan"])
        school = Client()
        school.force_login(world.contact)
        assert school.get(family_url(world.family)).status_code == 200
        client.force_login(world.parent)
        page = client.get(consents_url(world.family), **EN).content.decode()
        url = reverse("access:withdraw_consent", kwargs={"family_pk": world.family.pk, "consent_pk": consent.pk})
        assert f'action="{url}"' in page
        response = client.post(url, **EN, follow=True)
        assert "is withdrawn" in response.content.decode()
        # the very next request of the service is refused
        assert school.get(family_url(world.family)).status_code == 404
        assert world.family.display_name not in school.get("/", **EN).content.decode()
        # history is kept: the consent is still there, marked withdrawn, and listed as earlier consent
        consent.refresh_from_db()
        assert consent.withdrawn_at is not None and consent.withdrawn_by == world.parent
        page = client.get(consents_url(world.family), **EN).content.decode()
        assert "Earlier consents" in page and "Withdrawn" in page and "Testvik skole" in page
        assert AuditEvent.objects.filter(family=world.family, object_type="Consent", action="share",
                                         reason__contains="withdrawn").exists()

    def test_withdrawing_twice_gives_a_message_not_an_error(self, client, world):
        consent = t.consent(world.family, world.school)
        client.force_login(world.parent)
        url = reverse("access:withdraw_consent", kwargs={"family_pk": world.family.pk, "consent_pk": consent.pk})
        client.post(url)
        response = client.post(url, follow=True, **EN)
        assert response.status_code == 200
        assert "already withdrawn" in response.content.decode()

    def test_withdraw_needs_post(self, client, world):
        consent = t.consent(world.family, world.school)
        client.force_login(world.parent)
        url = reverse("access:withdraw_consent", kwargs={"family_pk": world.family.pk, "consent_pk": consent.pk})
        assert client.get(url).status_code == 405
        consent.refresh_from_db()
        assert consent.withdrawn_at is None

    def test_expired_consent_closes_access_through_the_pages(self, client, world):
        consent = t.consent(world.family, world.school)
        client.force_login(world.contact)
        assert client.get(family_url(world.family)).status_code == 200
        Consent.objects.filter(pk=consent.pk).update(valid_to=timezone.now() - timedelta(seconds=1))
        assert client.get(family_url(world.family)).status_code == 404
        assert world.family.display_name not in client.get("/", **EN).content.decode()
        client.force_login(world.parent)
        page = client.get(consents_url(world.family), **EN).content.decode()
        assert "Ended" in page

    def test_a_consent_for_another_family_cannot_be_withdrawn_through_this_family(self, client, world):
        other = t.consent(world.other_family, world.school)
        client.force_login(world.parent)
        url = reverse("access:withdraw_consent", kwargs={"family_pk": world.family.pk, "consent_pk": other.pk})
        assert client.post(url).status_code == 404
        other.refresh_from_db()
        assert other.withdrawn_at is None

    def test_service_contact_cannot_see_or_change_the_consent_register(self, client, world):
        consent = t.consent(world.family, world.school)
        client.force_login(world.contact)
        assert client.get(consents_url(world.family)).status_code == 403
        url = reverse("access:withdraw_consent", kwargs={"family_pk": world.family.pk, "consent_pk": consent.pk})
        assert client.post(url).status_code == 403


@pytest.mark.django_db
class TestRecordConsent:
    def record_url(self, family):
        return reverse("access:record_consent", kwargs={"family_pk": family.pk})

    def test_coordinator_records_a_paper_consent(self, client, world):
        client.force_login(world.coordinator)
        page = client.get(consents_url(world.family), **EN).content.decode()
        assert "Record a consent given on paper or orally" in page
        mother = world.family.members.get(relation="mother")
        response = client.post(self.record_url(world.family), {
            "given_by": f"member-{mother.pk}", "method": "paper", "service_provider": world.school.pk,
            "categories": ["plan", "contact"], "first_day": timezone.localdate().isoformat(),
            "last_day": (timezone.localdate() + timedelta(days=200)).isoformat(),
            "text_shown": "Vi samtykker til at skolen får se planen.",
        }, **EN)
        assert response.status_code == 302
        consent = Consent.objects.get()
        assert consent.method == ConsentMethod.PAPER and consent.recorded_by == world.coordinator
        assert consent.given_by_member == mother
        assert consent.text_shown == "Vi samtykker til at skolen får se planen."
        assert AuditEvent.objects.filter(object_type="Consent", action="change", actor=world.coordinator).exists()
        client.force_login(world.parent)
        page = client.get(consents_url(world.family), **EN).content.decode()
        assert "On paper, scanned" in page and "recorded by" in page

    def test_recording_keeps_what_was_typed_when_something_is_missing(self, client, world):
        client.force_login(world.coordinator)
        response = client.post(self.record_url(world.family), {
            "method": "oral", "service_provider": world.school.pk, "categories": ["plan"],
            "first_day": timezone.localdate().isoformat(), "last_day": "",
            "text_shown": "Sagt på telefon 3. mars.",
        }, **EN)
        page = response.content.decode()
        assert response.status_code == 400
        assert "Choose who in the family gave the consent." in page
        assert "Sagt på telefon 3. mars." in page
        assert not Consent.objects.exists()

    def test_a_guardian_who_may_not_consent_cannot_be_recorded_as_giver(self, client, world):
        foster = FamilyMember.objects.create(family=world.family, municipality=world.municipality,
                                             relation="foster_parent", given_name="Fos", family_name="Ter",
                                             daily_care=True, may_consent=False)
        client.force_login(world.coordinator)
        page = client.get(self.record_url(world.family), **EN).content.decode()
        assert f"member-{foster.pk}" not in page

    def test_service_contact_and_leader_cannot_record(self, client, world):
        t.consent(world.family, world.school)
        client.force_login(world.contact)
        assert client.get(self.record_url(world.family)).status_code == 403
        client.force_login(world.leader)
        assert client.get(self.record_url(world.family)).status_code == 404
