"""The national survey of barnekoordinators, 2025 (n = 215 coordinators in 95 municipalities; NTNU
Samfunnsforskning), as summarised in DOMAIN.md §5. The statistics page shows the municipality's own
figures beside these.

Families per coordinator: half have 1–4, 30 % more than 10, 6 % more than 40 (so 20 % have 5–10 and
24 % have 11–40); mean about 10; dedicated position 21.7, extra function 4.7.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SOURCE = _("National survey of barnekoordinators 2025 (NTNU Samfunnsforskning; 215 coordinators in "
           "95 municipalities)")

#: Share of coordinators (per cent) by number of families, as a partition.
CASELOAD_BANDS = {"1-4": 50, "5-10": 20, "11-40": 24, "over-40": 6}
MORE_THAN_10 = 30
MORE_THAN_40 = 6
MEAN_FAMILIES = 10.0
MEAN_DEDICATED = 21.7
MEAN_EXTRA_FUNCTION = 4.7
DEDICATED_SHARE = 33  # about 1 in 3 holds a dedicated position
