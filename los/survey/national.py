"""The national evaluation's figures that the municipality's own are shown beside (DOMAIN.md §1 and §5b).

From the family survey of the national evaluation of the barnekoordinator scheme (NTNU Samfunnsforskning, 2023,
338 families), cited again in the evaluation reports of 2024 and 2026:

- 70–72 % say the road to their services was unnecessarily heavy;
- 59 % say the services are not coordinated (40 % in 2012);
- 68 % (about 70 %) say what they get depends on individuals;
- 73 % put an overview of the child's rights and possible help among their two most important needs, and 16 %
  say their coordinator gives it to a large degree;
- only about 1 in 4 coordinators help with applications;
- 21 % are satisfied with their coordinator, 38 % say it is of little practical use;
- 7 % are satisfied with the individual plan, 51 % say it is of little practical use;
- waiting for a coordinator: half a year to a year is reported (not a measured median).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Label = str | Promise

YEAR = 2023
SOURCE = _("The national evaluation's family survey 2023 (NTNU Samfunnsforskning, 338 families), cited again in "
           "the evaluation reports of 2024 and 2026.")
RIGHTS_AMONG_TOP_NEEDS = 73  # per cent who put an overview of rights among their two most important needs
WAIT_FOR_COORDINATOR = _("half a year to a year is reported")


@dataclass(frozen=True)
class NationalFigure:
    """A share in per cent, as a range when the evaluation gives one (``low`` = ``high`` otherwise)."""

    low: float
    high: float
    year: int = YEAR

    @property
    def text(self) -> str:
        if self.low == self.high:
            return f"{self.low:g}\u00a0%"
        return f"{self.low:g}–{self.high:g}\u00a0%"


FIGURES: dict[str, NationalFigure] = {
    "road_heavy": NationalFigure(70, 72),
    "not_coordinated": NationalFigure(59, 59),
    "depends_on_people": NationalFigure(68, 68),
    "rights_overview": NationalFigure(16, 16),
    "application_help": NationalFigure(25, 25),
    "coordinator_satisfied": NationalFigure(21, 21),
    "coordinator_little_use": NationalFigure(38, 38),
    "plan_satisfied": NationalFigure(7, 7),
    "plan_little_use": NationalFigure(51, 51),
}
