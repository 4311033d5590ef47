"""Every model and every field of every installed app is classified in ``los.access.classification``."""

from __future__ import annotations

from django.apps import apps

from los.access.classification import FAMILY_DATA, KEY_FIELDS, NOT_FAMILY_DATA, row_category
from los.access.models import Category


def _labels() -> set[str]:
    return {model._meta.label for model in apps.get_models()}


def test_every_model_is_classified_once():
    labels = _labels()
    missing = sorted(labels - set(FAMILY_DATA) - set(NOT_FAMILY_DATA))
    assert not missing, f"classify these models in los/access/classification.py: {missing}"
    both = sorted(set(FAMILY_DATA) & set(NOT_FAMILY_DATA))
    assert not both, f"classified twice: {both}"
    stale = sorted((set(FAMILY_DATA) | set(NOT_FAMILY_DATA)) - labels)
    assert not stale, f"classified but no such model: {stale}"


def test_every_field_of_family_data_has_a_category():
    problems = []
    for label, rows in FAMILY_DATA.items():
        model = apps.get_model(label)
        names = {f.name for f in model._meta.concrete_fields} - KEY_FIELDS
        for name in sorted(names - set(rows.fields)):
            problems.append(f"{label}.{name} has no category")
        for name in sorted(set(rows.fields) - names):
            problems.append(f"{label}.{name} is classified but is no field")
    assert not problems, "\n".join(problems)


def test_family_data_rows_belong_to_a_family_and_a_municipality():
    for label in FAMILY_DATA:
        names = {f.name for f in apps.get_model(label)._meta.concrete_fields}
        if label != "families.Family":
            assert {"family", "municipality"} <= names, label


def test_models_that_hold_a_family_are_family_data():
    """A model with a foreign key to a family cannot be declared free of family data."""
    for label in NOT_FAMILY_DATA:
        model = apps.get_model(label)
        related = {f.related_model._meta.label for f in model._meta.concrete_fields if f.is_relation}
        assert "families.Family" not in related, label


def test_narrower_fields_are_what_the_law_and_the_family_expect(world):
    child = world.family.children.first()
    rows = FAMILY_DATA["families.Child"]
    assert rows.field_category("condition_summary") == Category.HEALTH
    assert rows.field_category("given_name") == Category.CASE
    assert FAMILY_DATA["families.FamilyMember"].field_category("needs") == Category.STORY
    assert FAMILY_DATA["families.FamilyMember"].field_category("phone") == Category.CONTACT
    assert row_category(child) == Category.CASE


def test_the_access_log_is_its_own_category(world):
    from los.access import audit
    event = audit.record(actor=world.coordinator, action="view", object_type="Family", object_id=world.family.pk,
                         municipality_id=world.municipality.pk, family_id=world.family.pk)
    assert row_category(event) == Category.ACCESS_LOG
