"""Dependency order over tables, with self references and cycles (models built only for these tests)."""

# ruff: noqa: DJ008 - throw-away models that are never shown

from __future__ import annotations

import pytest
from django.db import models
from django.test.utils import isolate_apps

from los.ops.graph import CycleError, concrete_models, dependency_order


def _labels(models_):
    return [m.__name__ for m in models_]


@isolate_apps("los.ops")
def test_tables_come_after_what_they_point_to_and_cycles_are_broken_by_nullable_keys():
    class Root(models.Model):
        class Meta:
            app_label = "ops"

    class Node(models.Model):  # points to itself (a tree): deferred
        root = models.ForeignKey(Root, on_delete=models.PROTECT)
        parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True)

        class Meta:
            app_label = "ops"

    class Chain(models.Model):  # a NOT NULL self reference: stays, inserted with checks deferred
        previous = models.ForeignKey("self", on_delete=models.PROTECT)

        class Meta:
            app_label = "ops"

    class A(models.Model):
        b = models.ForeignKey("B", on_delete=models.SET_NULL, null=True)
        node = models.ForeignKey(Node, on_delete=models.CASCADE)

        class Meta:
            app_label = "ops"

    class B(models.Model):
        a = models.ForeignKey(A, on_delete=models.PROTECT)

        class Meta:
            app_label = "ops"

    plan = dependency_order([B, A, Chain, Node, Root])
    order = _labels(plan.order)
    assert order.index("Root") < order.index("Node") < order.index("A") < order.index("B")
    assert {m.__name__: [f.name for f in fks] for m, fks in plan.deferred.items()} == {"Node": ["parent"],
                                                                                      "A": ["b"]}
    assert _labels(plan.self_bound) == ["Chain"]
    assert _labels(plan.deletion_order)[0] == "B"


@isolate_apps("los.ops")
def test_a_cycle_of_required_keys_is_refused_with_the_tables_named():
    class P(models.Model):
        q = models.ForeignKey("Q", on_delete=models.PROTECT)

        class Meta:
            app_label = "ops"

    class Q(models.Model):
        p = models.ForeignKey(P, on_delete=models.PROTECT)

        class Meta:
            app_label = "ops"

    with pytest.raises(CycleError, match="ops.p, ops.q"):
        dependency_order([P, Q])


def test_the_real_schema_has_an_order():
    models_ = concrete_models()
    plan = dependency_order(models_)
    assert len(plan.order) == len(models_)
    labels = [m._meta.label_lower for m in plan.order]
    assert labels.index("core.municipality") < labels.index("families.family") < labels.index("access.auditevent")
