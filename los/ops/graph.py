"""The tables of the installation and the foreign keys between them, found generically.

Backup, restore and retention never list tables by hand: they ask :func:`concrete_models` for every model
Django knows (feature apps keep adding theirs) and :func:`dependency_order` for an order in which each
table comes after the tables it points to. Cycles (a table pointing to itself, or two tables pointing to
each other) are broken by *deferring* nullable foreign keys: those columns are written as NULL first and
filled in once every row exists.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, router
from django.db.models import Model


def concrete_models(using: str = "default", exclude: frozenset[str] | set[str] = frozenset()) -> list[type[Model]]:
    """Every model with its own table in database ``using``: managed, not a proxy, not swapped out,
    including the automatic many-to-many tables. ``exclude`` holds ``app_label.modelname`` labels."""
    out = []
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.proxy or not opts.managed or opts.swapped:
            continue
        if opts.label_lower in exclude:
            continue
        if not router.allow_migrate_model(using, model):
            continue
        out.append(model)
    return sorted(out, key=lambda m: m._meta.label_lower)


def local_fields(model: type[Model]) -> list[models.Field]:
    """The columns of ``model``'s own table (generated columns left out: the database computes them)."""
    return [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]


def foreign_keys(model: type[Model]) -> list[models.ForeignKey]:
    """Foreign keys (and one-to-ones) stored in ``model``'s own table."""
    return [f for f in local_fields(model) if f.is_relation and (f.many_to_one or f.one_to_one)]


def target(fk: models.ForeignKey) -> type[Model]:
    return fk.remote_field.model._meta.concrete_model


class CycleError(Exception):
    """Tables point to each other through foreign keys that cannot be NULL: no order can satisfy them."""


@dataclass
class Plan:
    """Tables in insertion order (a table after the tables it points to) and the deferred columns."""

    order: list[type[Model]]
    deferred: dict[type[Model], list[models.ForeignKey]] = field(default_factory=dict)
    #: Tables with a NOT NULL foreign key to themselves: their rows are inserted with constraint checks
    #: deferred to the end of the table.
    self_bound: set[type[Model]] = field(default_factory=set)

    @property
    def deletion_order(self) -> list[type[Model]]:
        return list(reversed(self.order))


def _strongly_connected(nodes: list, edges: dict) -> list[list]:
    """Tarjan's algorithm, iterative (no recursion limit on large schemas)."""
    index: dict = {}
    low: dict = {}
    on_stack: set = set()
    stack: list = []
    result: list[list] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root], key=_label)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child], key=_label))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    item = stack.pop()
                    on_stack.discard(item)
                    component.append(item)
                    if item is node:
                        break
                result.append(component)
    return result


def _label(model: type[Model]) -> str:
    return model._meta.label_lower


def dependency_order(model_list: list[type[Model]]) -> Plan:
    """Order ``model_list`` so that every table comes after the tables its foreign keys point to.

    Self references that may be NULL and nullable keys inside a cycle of tables are deferred; a NOT NULL
    self reference keeps the table in place (its rows go in with the check deferred); a cycle of NOT NULL
    keys between different tables raises :class:`CycleError`.
    """
    present = set(model_list)
    deferred: dict[type[Model], list[models.ForeignKey]] = defaultdict(list)
    self_bound: set[type[Model]] = set()
    edges: dict[type[Model], set[type[Model]]] = {m: set() for m in model_list}
    keys: dict[tuple[type[Model], type[Model]], list[models.ForeignKey]] = defaultdict(list)
    for model in model_list:
        for fk in foreign_keys(model):
            to = target(fk)
            if to not in present:
                continue
            if to is model:
                if fk.null:
                    deferred[model].append(fk)
                else:
                    self_bound.add(model)
                continue
            edges[model].add(to)
            keys[(model, to)].append(fk)
    # Break cycles between different tables by deferring their nullable keys.
    for component in _strongly_connected(sorted(model_list, key=_label), edges):
        if len(component) < 2:
            continue
        members = set(component)
        for model in component:
            for to in list(edges[model] & members):
                fks = keys[(model, to)]
                if all(fk.null for fk in fks):
                    deferred[model].extend(fks)
                    edges[model].discard(to)
        still = [c for c in _strongly_connected(sorted(component, key=_label), {m: edges[m] & members
                                                                                 for m in component})
                 if len(c) > 1]
        if still:
            names = ", ".join(sorted(_label(m) for m in still[0]))
            raise CycleError(f"These tables point to each other through foreign keys that cannot be empty: {names}")
    # Kahn's algorithm with a stable tie-break on the label.
    waiting = {m: set(edges[m]) for m in model_list}
    dependents: dict[type[Model], set[type[Model]]] = defaultdict(set)
    for m, tos in waiting.items():
        for to in tos:
            dependents[to].add(m)
    ready = sorted((m for m, tos in waiting.items() if not tos), key=_label)
    order: list[type[Model]] = []
    while ready:
        model = ready.pop(0)
        order.append(model)
        for dependent in sorted(dependents[model], key=_label):
            waiting[dependent].discard(model)
            if not waiting[dependent]:
                ready.append(dependent)
        ready.sort(key=_label)
    if len(order) != len(model_list):  # pragma: no cover - excluded by the cycle check above
        raise CycleError("The foreign keys between the tables form a cycle.")
    return Plan(order=order, deferred={m: sorted(f, key=lambda f: f.attname) for m, f in deferred.items()},
                self_bound=self_bound)
