"""The demo family's story, read from its own records.

Every app writes texts about the demo family (Familien Sæther): a story in the portal, a plan, minutes, a
service map, a request and a decision. So that every page tells the same story, those texts never name a
person or a school themselves: they are templates filled from :class:`DemoStory`, which reads the family's
``Child`` and ``FamilyMember`` rows, the service providers the family has consented to, and the named demo
log-ins. ``story.fill("{child} går på {school}.")`` gives e.g. "Mia går på Solvik skole."
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stdnum.no import fodselsnummer

from los.accounts.models import User
from los.core.models import ServiceProvider
from los.families.models import Child, Family, FamilyMember

MONTHS_NB = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
             "november", "desember"]


def genitive(name: str) -> str:
    """Norwegian genitive of a name: Mia → Mias, Jonas → Jonas'."""
    return f"{name}'" if name[-1:].lower() in "sxz" else f"{name}s"


def long_date(day: date) -> str:
    """A date as written in Norwegian running text, with the year: 12. mai 2027."""
    return f"{day.day}. {MONTHS_NB[day.month - 1]} {day.year}"


def _sex(member: FamilyMember | Child | None) -> str:
    number = getattr(member, "fodselsnummer", "") if member is not None else ""
    try:
        return fodselsnummer.get_gender(number) if number else ""
    except ValueError:
        return ""


@dataclass(frozen=True)
class DemoStory:
    """Who is who in the demo family, as its records say."""

    family: Family
    today: date
    child: Child
    mother: FamilyMember | None
    father: FamilyMember | None
    sibling: FamilyMember | None
    providers: dict[str, ServiceProvider]  # by kind: the providers the family has consented to
    coordinator: User | None
    school_contact: User | None
    habu_contact: User | None

    def age(self, on: date | None = None) -> int:
        return self.child.age_on(on or self.today) or 0

    def sibling_age(self, on: date | None = None) -> int:
        birth = self.sibling.birth_date if self.sibling is not None else None
        if birth is None:
            return 0
        day = on or self.today
        return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))

    @property
    def sibling_word(self) -> str:
        """lillebror, storebror, lillesøster or storesøster, from the sibling's records."""
        if self.sibling is None:
            return "søsken"
        younger = (self.sibling.birth_date or self.today) > (self.child.birth_date or self.today)
        brother = _sex(self.sibling) == "M"
        return ("lille" if younger else "store") + ("bror" if brother else "søster")

    @property
    def child_pronoun(self) -> str:
        return "han" if _sex(self.child) == "M" else "hun"

    def school_name(self) -> str:
        school = self.providers.get("school")
        return school.name if school is not None else "skolen"

    def words(self, on: date | None = None) -> dict[str, object]:
        """The names a text may use, as ``str.format`` fields."""
        sibling = self.sibling.given_name if self.sibling is not None else ""
        coordinator = self.coordinator
        return {
            "child": self.child.given_name, "childs": genitive(self.child.given_name),
            "child_full": f"{self.child.given_name} {self.child.family_name}", "age": self.age(on),
            "pronoun": self.child_pronoun, "Pronoun": self.child_pronoun.capitalize(),
            "sibling": sibling, "siblings": genitive(sibling) if sibling else "", "sibling_age": self.sibling_age(on),
            "sibling_word": self.sibling_word, "Sibling_word": self.sibling_word.capitalize(),
            "mother": self.mother.given_name if self.mother is not None else "mor",
            "father": self.father.given_name if self.father is not None else "far",
            "school": self.school_name(), "municipality": self.family.municipality.name,
            "coordinator": coordinator.first_name if coordinator is not None else "barnekoordinatoren",
            "teacher": self.school_contact.first_name if self.school_contact is not None else "kontaktlæreren",
            "teacher_full": self.school_contact.get_full_name() if self.school_contact is not None else "",
            "habu_contact": self.habu_contact.get_full_name() if self.habu_contact is not None else "",
        }

    def fill(self, text: str, on: date | None = None, **extra: object) -> str:
        return text.format(**self.words(on), **extra)


def read(family: Family, today: date) -> DemoStory | None:
    """The story of ``family`` from what is stored; None when the family has no child."""
    from los.access.models import Consent

    child = Child.objects.filter(family=family).order_by("pk").first()
    if child is None:
        return None
    members = list(FamilyMember.objects.filter(family=family).order_by("pk"))
    providers: dict[str, ServiceProvider] = {}
    for consent in (Consent.objects.filter(family=family, service_provider__isnull=False)
                    .select_related("service_provider").order_by("pk")):
        providers.setdefault(consent.service_provider.kind, consent.service_provider)
    users = {u.username: u for u in User.objects.filter(username__in=["koordinator", "kontakt.skole",
                                                                      "kontakt.habu"])}
    return DemoStory(
        family=family, today=today, child=child,
        mother=next((m for m in members if m.relation == "mother"), None),
        father=next((m for m in members if m.relation == "father"), None),
        sibling=next((m for m in members if m.relation == "sibling"), None),
        providers=providers, coordinator=users.get("koordinator"), school_contact=users.get("kontakt.skole"),
        habu_contact=users.get("kontakt.habu"))
