"""The assessment checklist: the legal minimum of pbrl § 2-5 c plus the municipality's local criteria."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from los.core.models import Municipality
from los.referrals.models import LocalCriterion


@dataclass(frozen=True)
class CriterionRow:
    """One line of the checklist. ``key`` is ``legal:<name>`` or ``local:<id>``."""

    key: str
    label: str | Promise
    help_text: str | Promise
    legal: bool
    legal_key: str = ""
    local: LocalCriterion | None = None


#: The right to a barnekoordinator, pasient- og brukerrettighetsloven § 2-5 c. Fixed by law: a
#: municipality can add criteria, never remove these.
LEGAL_CRITERIA: tuple[CriterionRow, ...] = (
    CriterionRow(
        key="legal:child", legal=True, legal_key="child",
        label=_("The family has, or is expecting, a child under 18"),
        help_text=_("Families expecting a child count too. The right lasts until the child turns 18."),
    ),
    CriterionRow(
        key="legal:condition", legal=True, legal_key="condition",
        label=_("The child has a serious illness, injury or reduced function"),
        help_text=_("“Serious” is not to be read strictly. What matters is what the condition means for the "
                    "child and the family in everyday life, not the diagnosis itself."),
    ),
    CriterionRow(
        key="legal:services", legal=True, legal_key="services",
        label=_("The child needs long-term and composite health and care services and other welfare services"),
        help_text=_("Long-term: for some time, not necessarily for life. Composite: several services that must "
                    "work together, for example kindergarten or school, PPT, physiotherapy, respite care and NAV."),
    ),
)

LEGAL_LABELS = {row.legal_key: row.label for row in LEGAL_CRITERIA}


def checklist(municipality: Municipality) -> list[CriterionRow]:
    """The legal criteria followed by the municipality's active local criteria."""
    rows = list(LEGAL_CRITERIA)
    for criterion in LocalCriterion.objects.filter(municipality=municipality, active=True):
        rows.append(CriterionRow(key=f"local:{criterion.pk}", label=criterion.title,
                                 help_text=criterion.help_text, legal=False, local=criterion))
    return rows
