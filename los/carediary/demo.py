"""Demo data: three months of the demo family's care diary for Mia (see ``los.core.demo.seed``).

A plausible week for a 9-year-old with cerebral palsy and epilepsy: extra supervision and care every day, more at
weekends, nights disturbed four or five times a week, a few days with a note. Deterministic for a given seed.
"""

from __future__ import annotations

from datetime import timedelta

from los.core.demo.bulk import bulk_insert
from los.core.demo.seed import DemoContext
from los.families.models import Child

DAYS = 92


def seed(ctx: DemoContext) -> None:
    from los.accounts.models import User
    from los.carediary.models import CareDiary, DiaryDay

    family = ctx.demo_family
    if family is None:
        return
    child = Child.objects.filter(family=family).order_by("pk").first()
    if child is None:
        return
    parent = User.objects.filter(username="forelder").first()
    diary = CareDiary.objects.create(
        family=family, municipality_id=family.municipality_id, child=child, created_by=parent,
        created_at=ctx.aware(ctx.today - timedelta(days=DAYS)),
        usual_for_age="En 9-åring kler på seg, spiser og går på do selv, kan være alene hjemme en kort stund og "
                      "sover hele natten.")
    rng = ctx.rng
    notes = {5: "Anfall i barnehagen på ettermiddagen, hentet tidlig.", 23: "Ny ortose, mye gnagsår.",
             41: "Lege: justert medisin.", 66: "Feber, våken nesten hele natten.", 80: "Kontroll på HABU."}
    rows = []
    for back in range(DAYS, 0, -1):
        day = ctx.today - timedelta(days=back)
        weekend = day.weekday() >= 5
        wakings = rng.choice([0, 1, 1, 2, 2, 3]) if rng.random() < 0.65 else 0
        rows.append(DiaryDay(
            family=family, municipality_id=family.municipality_id, diary=diary, child=child, day=day,
            supervision_minutes=rng.choice([150, 180, 210, 240]) + (120 if weekend else 0),
            care_minutes=rng.choice([90, 105, 120, 135]) + (30 if weekend else 0),
            night_wakings=wakings, night_minutes=wakings * rng.choice([15, 20, 30]) + (240 if back == 66 else 0),
            note=notes.get(back, ""), recorded_by=parent, recorded_at=ctx.aware(day, 21)))
    bulk_insert(DiaryDay, rows)
