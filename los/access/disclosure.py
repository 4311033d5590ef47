"""The one redaction step: family data leaves Los only through here.

Every classified field of every family-data model (``los.access.classification.FAMILY_DATA``) reads through a
descriptor that, while a *viewer* is set, asks the access policy whether that person may see the row's category
and the field's own category (a child's condition is ``health``, a parent's phone number ``contact``) — per object
and per field — before it gives the value. What the policy refuses reads as :data:`WITHHELD`: empty in a page,
left out of a download, a package or an API answer. In the test settings (``LOS_DISCLOSURE_STRICT``) a refused
read raises :class:`DisclosureError` instead, so that a page, export or summary that would have shown something it
must not fails its test.

A viewer is set

- while a template renders during a request (``los.core.templating``: every page, htmx fragment, PDF, e-mail
  and summary rendered in a request is rendered *for the person asking*);
- around every export, API answer, feed and package: ``with disclosing_to(user): ...``.

Outside both (services, background tasks, management commands) nothing is redacted: the system itself reads.
The policy's own reads are never redacted (:func:`unobserved`).

Everything the viewer was shown is noted per family and category; ``los.access.middleware.DisclosureMiddleware``
writes it into the request's audit events (``AuditEvent.categories``), and leaves an event for every family a
list showed, so that the family's "who has looked at our data" shows lists and screenings too.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import FileField, Model
from django.db.models.query_utils import DeferredAttribute

from los.access.classification import FAMILY_DATA, KEY_FIELDS, Rows
from los.access.models import Category

logger = logging.getLogger("los.access.disclosure")


class DisclosureError(Exception):
    """A refused piece of family data was read for a viewer (strict mode: tests and development)."""


class _Withheld(str):
    """What a refused field reads as: an empty string (empty in a page, ``""`` in JSON, false), never a value."""

    __slots__ = ()

    def __html__(self) -> str:
        return ""

    def __repr__(self) -> str:
        return "WITHHELD"


WITHHELD = _Withheld()
#: Categories whose answer depends on the child a row is about (a young person's own health information and
#: questionnaire), not on the family alone.
BY_CHILD = frozenset({Category.HEALTH, Category.SURVEY})


@dataclass
class Viewer:
    """The person family data is being shown to, the policy's answers for them, and what they were shown."""

    user: Any
    strict: bool = False
    #: (family id, category, child id) -> allowed
    answers: dict[tuple, bool] = field(default_factory=dict)
    #: family id -> categories shown
    shown: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: (model label, field name, category) of what was withheld
    withheld: set[tuple[str, str, str]] = field(default_factory=set)
    families: dict[int, Any] = field(default_factory=dict)
    children: dict[int, Any] = field(default_factory=dict)
    suspended: int = 0
    #: family id -> its municipality, from the rows shown (every family-data row carries the family's), so that the
    #: audit events of a list need not read the families again
    municipalities: dict[int, int] = field(default_factory=dict)

    # --- the policy's answer, once per family, category and child ----------------------------------------
    def _family(self, obj: Model, family_id: int) -> Any:
        """The family a row belongs to, without reading it: the policy needs its id and municipality, and every
        family-data row carries both (its municipality is always the family's)."""
        if obj.__class__ is _FAMILY:
            return obj
        family = self.families.get(family_id)
        if family is None:
            family = obj._state.fields_cache.get("family") or _FAMILY(pk=family_id,
                                                                      municipality_id=obj.__dict__.get("municipality_id"))
            self.families[family_id] = family
        return family

    def _child(self, obj: Model, child_id: int | None) -> Any:
        if obj.__class__ is _CHILD:
            return obj
        if child_id is None:
            return None
        child = self.children.get(child_id)
        if child is None:
            child = obj._state.fields_cache.get("child") or _CHILD.objects.get(pk=child_id)
            self.children[child_id] = child
        return child

    def allows(self, obj: Model, category: Category | str) -> bool:
        """Whether the viewer may see ``category`` information of the row ``obj`` (the policy decides)."""
        family_id, child_id = _owner_ids(obj)
        if family_id is None:
            return True  # a row not yet saved for a family: nothing of a family's to show
        if category not in BY_CHILD:
            child_id = None  # only health information and questionnaires depend on whose they are
        key = (family_id, category, child_id)
        answer = self.answers.get(key)
        if answer is None:
            from los.access.policy import decide_view

            self.suspended += 1
            try:
                answer = decide_view(self.user, self._family(obj, family_id), Category(category),
                                     self._child(obj, child_id)).allowed
            finally:
                self.suspended -= 1
            self.answers[key] = answer
        return answer

    @contextmanager
    def unobserved(self) -> Iterator[None]:
        self.suspended += 1
        try:
            yield
        finally:
            self.suspended -= 1

    def read(self, obj: Model, name: str, category: Category, value: Any, rows: Rows) -> Any:
        """The value of one classified field of ``obj`` as the viewer may see it."""
        if self.suspended:
            return value
        if rows.refine is None:
            row = rows.category
        else:
            self.suspended += 1
            try:
                row = rows.refine(obj) or rows.category
            finally:
                self.suspended -= 1
        family_id, child_id = _owner_ids(obj)
        if family_id is None:
            return value
        answers = self.answers
        row_allowed = answers.get((family_id, row, child_id if row in BY_CHILD else None))
        if row_allowed is None:
            row_allowed = self.allows(obj, row)
        narrower = category != rows.category
        if row_allowed and narrower:
            field_allowed = answers.get((family_id, category, child_id if category in BY_CHILD else None))
            if field_allowed is None:
                field_allowed = self.allows(obj, category)
        else:
            field_allowed = row_allowed
        if field_allowed:
            shown = self.shown[family_id]
            shown.add(row)
            if narrower:
                shown.add(category)
            if family_id not in self.municipalities and obj.__dict__.get("municipality_id") is not None:
                self.municipalities[family_id] = obj.__dict__["municipality_id"]
            return value
        refused = category if narrower and row_allowed else row
        label = obj._meta.label
        self.withheld.add((label, name, str(refused)))
        if self.strict:
            raise DisclosureError(f"{label}.{name} ({refused}) read for "
                                  f"{getattr(self.user, 'username', self.user)}, who may not see it")
        return WITHHELD

    def peek(self, obj: Model, name: str) -> Any:
        """The value of ``obj.name`` when the viewer may see it, else ``None`` (asked, never raised: for a page
        that shows a field only to those who may see it)."""
        rows = FAMILY_DATA.get(obj._meta.label)
        if rows is None:
            return getattr(obj, name)
        category = rows.field_category(name)
        with self.unobserved():
            row = _row_category(obj)
            value = getattr(obj, name)
        if not (self.allows(obj, row) and (category == rows.category or self.allows(obj, category))):
            return None
        family_id = _owner_ids(obj)[0]
        if family_id is not None:
            self.shown[family_id].update({str(row), str(category)})
        return value

    def note(self, family_ids: Iterable[int], categories: Iterable[str]) -> None:
        """Note that families' data was shown without reading model fields (a screening over plain rows)."""
        categories = [str(c) for c in categories]
        for family_id in family_ids:
            self.shown[family_id].update(categories)


_viewer: ContextVar[Viewer | None] = ContextVar("los_disclosure_viewer", default=None)


def _strict() -> bool:
    return bool(getattr(settings, "LOS_DISCLOSURE_STRICT", False))


def current() -> Viewer | None:
    """The viewer family data is being shown to now, if any."""
    return _viewer.get()


@contextmanager
def disclosing_to(user: Any, viewer: Viewer | None = None) -> Iterator[Viewer]:
    """Everything read from family-data rows in the block is what ``user`` may see (see the module)."""
    active = _viewer.get()
    if active is not None and viewer is None and active.user == user:
        yield active  # nested: the same person, the same answers and the same record of what was shown
        return
    viewer = viewer or Viewer(user, strict=_strict())
    token = _viewer.set(viewer)
    try:
        yield viewer
    finally:
        _viewer.reset(token)


@contextmanager
def unobserved() -> Iterator[None]:
    """Reads in the block are the system's own (the policy reading consents, a service computing a state)."""
    viewer = _viewer.get()
    if viewer is None:
        yield
        return
    with viewer.unobserved():
        yield


def shown(obj: Model, name: str) -> Any:
    """``obj.name`` if the current viewer may see it, else ``None``; outside a viewer the stored value."""
    viewer = _viewer.get()
    if viewer is None:
        return getattr(obj, name)
    return viewer.peek(obj, name)


def may_see(obj: Model, category: Category | str) -> bool:
    """Whether the current viewer may see ``category`` information of ``obj``'s family (always, outside a viewer)."""
    viewer = _viewer.get()
    return viewer is None or viewer.allows(obj, category)


def note_shown(family_ids: Iterable[int], categories: Iterable[str] = (Category.CASE,)) -> None:
    """Record that families were shown (lists and screenings built from plain rows rather than model fields)."""
    viewer = _viewer.get()
    if viewer is None:  # in a view, before its page renders: the request's viewer
        from los.access.middleware import request_viewer

        viewer = request_viewer()
    if viewer is not None:
        viewer.note(family_ids, categories)


# --- which family and child a row is about, and its category --------------------------------------------------

_FAMILY: type | None = None
_CHILD: type | None = None


def _owner_ids(obj: Model) -> tuple[int | None, int | None]:
    data = obj.__dict__
    cls = obj.__class__
    if cls is _FAMILY:
        return data.get("id"), None
    if cls is _CHILD:
        return data.get("family_id"), data.get("id")
    return data.get("family_id"), data.get("child_id")


def row_base(obj: Model) -> Category:
    """The category of a model's rows before a row's state narrows it."""
    return FAMILY_DATA[obj._meta.label].category


def _row_category(obj: Model) -> Category:
    from los.access.classification import row_category

    return row_category(obj)


# --- the descriptors ---------------------------------------------------------------------------------------

class ClassifiedAttribute(DeferredAttribute):
    """A model field's attribute that asks the viewer (when there is one) before it gives the value."""

    def __init__(self, field: Any, category: Category, rows: Rows) -> None:
        super().__init__(field)
        self.category = category
        self.rows = rows
        self.attname = field.attname
        self.name = field.name

    def __get__(self, instance: Model | None, cls: type | None = None) -> Any:
        if instance is None:
            return self
        try:
            value = instance.__dict__[self.attname]
        except KeyError:
            value = super().__get__(instance, cls)
        viewer = _viewer.get()
        if viewer is None or instance._state.adding or SAVING in instance.__dict__:
            return value  # nothing read from the family's record yet, or the row being written
        return viewer.read(instance, self.name, self.category, value, self.rows)

    def __set__(self, instance: Model, value: Any) -> None:
        instance.__dict__[self.attname] = value


#: Set on a row while it is being saved: writing it reads every field, and nothing of it is shown.
SAVING = "_los_saving"


def _saving(sender: type, instance: Model, **kwargs: Any) -> None:
    instance.__dict__[SAVING] = True


def _saved(sender: type, instance: Model, **kwargs: Any) -> None:
    instance.__dict__.pop(SAVING, None)


def install() -> None:
    """Put the redaction step on every classified field of every family-data model (``AccessConfig.ready``)."""
    from django.apps import apps
    from django.db.models.signals import post_save, pre_save

    from los.families.models import Child, Family

    global _FAMILY, _CHILD
    _FAMILY, _CHILD = Family, Child

    for label, rows in FAMILY_DATA.items():
        model = apps.get_model(label)
        for model_field in model._meta.concrete_fields:
            if model_field.name in KEY_FIELDS or model_field.is_relation or isinstance(model_field, FileField):
                continue
            setattr(model, model_field.attname,
                    ClassifiedAttribute(model_field, rows.field_category(model_field.name), rows))
        pre_save.connect(_saving, sender=model, dispatch_uid=f"los-disclosure-saving-{label}")
        post_save.connect(_saved, sender=model, dispatch_uid=f"los-disclosure-saved-{label}")


def raw(obj: Model, name: str) -> Any:
    """A field's stored value whatever the viewer (for code that must compute, never for output)."""
    field_ = obj._meta.get_field(name)
    try:
        return obj.__dict__[field_.attname]
    except KeyError:
        with unobserved():
            return getattr(obj, field_.attname)


# --- serialising for exports -----------------------------------------------------------------------------

def visible_values(obj: Model, viewer: Viewer | None = None) -> dict[str, Any] | None:
    """The fields of ``obj`` the viewer may see, by name (foreign keys as ids), or ``None`` when the row is refused.

    Exports (the family's download, the move package, the API's archive) build their rows from this, so that
    what leaves Los is what the same person is shown on the pages."""
    viewer = viewer or _viewer.get()
    values: dict[str, Any] = {}
    rows = FAMILY_DATA.get(obj._meta.label)
    if rows is None:
        raise LookupError(f"{obj._meta.label} holds no family data")
    if viewer is not None:
        with viewer.unobserved():
            row = _row_category(obj)
        if not viewer.allows(obj, row):
            return None
        family_id = _owner_ids(obj)[0]
        if family_id is not None:
            viewer.shown[family_id].add(str(row))
    for model_field in obj._meta.concrete_fields:
        name = model_field.name
        category = rows.field_category(name) if name not in KEY_FIELDS else rows.category
        if viewer is not None and name not in KEY_FIELDS and category != rows.category:
            if not viewer.allows(obj, category):
                viewer.withheld.add((obj._meta.label, name, str(category)))
                continue
            family_id = _owner_ids(obj)[0]
            if family_id is not None:
                viewer.shown[family_id].add(str(category))
        if isinstance(model_field, FileField):
            value = getattr(obj, model_field.attname).name or ""
        else:
            value = obj.__dict__.get(model_field.attname)
        values[model_field.attname if model_field.is_relation else name] = value
    return values


def withheld_fields(obj: Model, viewer: Viewer | None = None) -> list[str]:
    """The names of ``obj``'s fields the viewer may not see (for a download's README: what was left out)."""
    viewer = viewer or _viewer.get()
    rows = FAMILY_DATA[obj._meta.label]
    if viewer is None:
        return []
    return [name for name, category in rows.narrower_fields().items() if not viewer.allows(obj, category)]
