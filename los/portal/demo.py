"""Demo data for the family portal: the Sæther family's story, a message thread with the
barnekoordinator (with read status) and the needs of a sibling and a parent. Only the demo family gets
data: nothing here loops over the families of the country."""

from __future__ import annotations

from datetime import timedelta

from los.accounts.models import User
from los.core.demo.seed import DemoContext
from los.families.models import FamilyMember
from los.portal.models import FamilyStory, Message, MessageRead

#: Templates filled from the family's own records (``los.core.demo.story``): no name is written here.
STORY = {
    "about_child": "{child} er ei glad jente på {age} år som elsker musikk, hester og å bade. Hun har cerebral "
                   "parese og epilepsi, og bruker rullestol ute.",
    "what_helps": "Faste rutiner, god tid i overganger og at voksne forteller hva som skal skje. Musikk roer "
                  "henne når hun blir sliten.",
    "what_to_avoid": "Mye støy og mange nye folk samtidig. Ikke snakk over hodet hennes: snakk til {child}.",
    "daily_routines": "Medisiner kl. 07 og 19. Hun trenger hvil etter skolen. Leggetid kl. 20.",
    "communication": "{child} snakker, men blir fort sliten og trenger tid til å svare. Hun svarer heller "
                     "muntlig enn skriftlig.",
    "what_matters": "At {child} får være med venner på {school}, og at vi slipper å fortelle alt på nytt til "
                    "hver ny person.",
    "about_siblings": "{Sibling_word} {sibling} ({sibling_age}) merker at mye handler om {child}, og trenger tid "
                      "for seg selv med mamma og pappa.",
}

THREAD = [
    ("forelder", 6, "Hei! {child} har hatt flere anfall denne uka. Kan vi ta det opp på neste møte?"),
    ("koordinator", 6, "Takk for at du sier fra. Jeg setter det på sakslisten og spør om habiliteringstjenesten "
                       "kan være med."),
    ("forelder2", 2, "Har dere hørt noe om søknaden om avlastning om natta?"),
    ("koordinator", 1, "Jeg har purret hos tildelingskontoret. De regner med å svare innen tre uker."),
]


def seed(ctx: DemoContext) -> None:
    family = ctx.demo_family
    if family is None:
        return
    people = {u.username: u for u in User.objects.filter(username__in=["koordinator", "forelder", "forelder2"])}
    guardian = people.get("forelder")
    story = ctx.story()
    if story is None:
        return
    FamilyStory.objects.update_or_create(family=family, defaults={
        "municipality": family.municipality, "updated_by": guardian, "version": 2,
        "updated_at": ctx.aware(ctx.today - timedelta(days=12), 21),
        **{key: story.fill(text) for key, text in STORY.items()},
    })
    if len(people) == 3 and not Message.objects.filter(family=family).exists():
        participants = list(people.values())
        messages = Message.objects.bulk_create([
            Message(family=family, municipality=family.municipality, sender=people[who],
                    sent_at=ctx.aware(ctx.today - timedelta(days=days), 22 if who != "koordinator" else 10),
                    body=story.fill(body))
            for who, days, body in THREAD
        ])
        receipts = []
        for index, message in enumerate(messages):
            last = index == len(messages) - 1
            for user in participants:
                if user.pk == message.sender_id:
                    continue
                read_at = None if last and user.username != "koordinator" else message.sent_at + timedelta(hours=2)
                receipts.append(MessageRead(family=family, municipality=family.municipality, message=message,
                                            recipient=user, read_at=read_at))
        MessageRead.objects.bulk_create(receipts)
    members = list(FamilyMember.objects.filter(family=family))
    for member in members:
        if member.relation == "sibling" and not member.needs:
            member.needs = story.fill("Trenger egen tid med mamma og pappa, og noen å snakke med om hvordan det er "
                                      "å være {sibling_word} til {child}.")
        elif member.user_id and member.user == guardian and not member.needs:
            member.needs = "Sliten etter mange våkenetter. Ønsker avlastning i helgene og kurs om epilepsi."
    FamilyMember.objects.bulk_update(members, ["needs"])
