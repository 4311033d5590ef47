"""The navigator's rule language: small declarative conditions over a family profile, compiled to closures.

Pure Python, no Django. A catalogue entry's eligibility is written in YAML with the forms below; each is
compiled once (per set of dated parameters) into a Python closure ``fn(facts) -> True | False | None``
where ``facts = flatten(profile)`` maps every dotted path (``child.needs.night_care``) and every object on
the way (``child.needs``) to its value, so that a fact lookup is one dictionary access.
``None`` means *unknown*: the logic is three-valued (Kleene), so a fact the family has not given (left
out or ``null``) makes a condition unknown instead of false, and the entry ends as ``possible`` with a
question instead of ``not_applicable``.

Conditions
----------
``true`` / ``false``                       constants
``{all: [c, ...]}``                        true if all true; false if any false; else unknown
``{any: [c, ...]}``                        true if any true; false if all false; else unknown
``{not: c}``                               swaps true and false; unknown stays unknown
``{fact: PATH}``                           a boolean fact, e.g. ``child.needs.night_care``
``{known: PATH}``                          true when the fact is given (not missing, not null); never unknown
``{signal: PATH}``                         *positive evidence*: true if the fact is true, false if it is false;
                                           when it is missing it is false if its parent object holds any other
                                           given value (the family described e.g. the needs and did not list
                                           this one), else unknown. Used in ``plausible`` checks.
``{eq|ne|lt|le|gt|ge: [A, B]}``            comparisons; unknown when either side is unknown
``{between: [A, LOW, HIGH]}``              LOW <= A <= HIGH (inclusive)
``{in: [A, [v, ...]]}``                    the value of A is one of the listed values (or ``{param: NAME}``)
``{has_any: [PATH, [v, ...]]}``            the list fact contains at least one of the values
``{empty: PATH}``                          the list/object fact is empty
``{ref: NAME}``                            a named condition (shared ones live in ``catalog/_shared.yaml``)

Operands (A, B, LOW, HIGH): a string is a dotted fact path on the left and a literal word on the right of
a comparison (``{eq: [child.setting, kindergarten]}``); a number/bool/list is a literal;
``{param: NAME}`` is a dated parameter resolved for the evaluation date; ``{fact: PATH}`` is a fact;
``{count: PATH}`` is the length of a list fact; ``{count_true: PATH}`` the number of true values in an
object fact; ``{sum: [operand, ...]}`` adds the known operands (unknown only if all are unknown);
``{value: X}`` is a literal (also for strings).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

Truth = bool | None
Profile = Mapping[str, Any]
Condition = Callable[[Profile], Truth]
Operand = Callable[[Profile], Any]

__all__ = [
    "Condition",
    "flatten",
    "RuleError",
    "Truth",
    "all3",
    "any3",
    "compile_condition",
    "compile_operand",
    "condition_facts",
    "fact_getter",
    "not3",
    "resolve_parameters",
]

_MISSING = object()


class RuleError(ValueError):
    """A rule or parameter in the catalogue is malformed (a bug in the data, found at load time)."""


# --------------------------------------------------------------------------------------------------
# Three-valued logic
# --------------------------------------------------------------------------------------------------


def not3(value: Truth) -> Truth:
    """Kleene negation."""
    return None if value is None else not value


def _kleene(values: Iterable[Truth], decisive: bool) -> Truth:
    """One ``decisive`` value decides (False for "and", True for "or"); else unknown if any value is unknown."""
    result: Truth = not decisive
    for value in values:
        if value is decisive:
            return decisive
        if value is None:
            result = None
    return result


def all3(values: list[Truth]) -> Truth:
    """Kleene conjunction."""
    return _kleene(values, decisive=False)


def any3(values: list[Truth]) -> Truth:
    """Kleene disjunction."""
    return _kleene(values, decisive=True)


# --------------------------------------------------------------------------------------------------
# Dated parameters
# --------------------------------------------------------------------------------------------------


def parse_date(value: Any) -> date:
    """A date, or a value written as one (``YYYY-MM-DD``); ``ValueError`` for anything else."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _as_date(value: Any, what: str) -> date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise RuleError(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from exc


def resolve_parameters(rows: list[Mapping[str, Any]], as_of: date, where: str = "") -> dict[str, Any]:
    """Pick, for each parameter name, the value in force on ``as_of``.

    Each row is ``{name, value, valid_from, valid_to?}``; ``valid_to`` is inclusive. A name with no row in
    force on that date is left out (a rule that needs it fails to compile; a text that needs it falls back).
    Two rows for the same name in force on the same date are a data error.
    """
    chosen: dict[str, Any] = {}
    chosen_from: dict[str, date] = {}
    for row in rows:
        name = row.get("name")
        if not isinstance(name, str) or "value" not in row:
            raise RuleError(f"{where}: a parameter needs 'name' and 'value': {dict(row)!r}")
        start = _as_date(row.get("valid_from"), f"{where} parameter {name} valid_from")
        if start is None:
            raise RuleError(f"{where}: parameter {name} needs valid_from")
        end = _as_date(row.get("valid_to"), f"{where} parameter {name} valid_to")
        if end is not None and end < start:
            raise RuleError(f"{where}: parameter {name} ends before it starts")
        if start <= as_of and (end is None or as_of <= end):
            if name in chosen:
                raise RuleError(f"{where}: parameter {name} has two values in force on {as_of}")
            chosen[name] = row["value"]
            chosen_from[name] = start
    return chosen


# --------------------------------------------------------------------------------------------------
# Facts
# --------------------------------------------------------------------------------------------------


def flatten(profile: Mapping[str, Any]) -> dict[str, Any]:
    """Every dotted path of a profile (objects nested up to three levels) mapped to its value.

    ``{"child": {"needs": {"night_care": True}}}`` gives ``child``, ``child.needs`` and
    ``child.needs.night_care``. Compiled conditions read facts from this mapping.
    """
    flat = dict(profile)
    for k1, v1 in profile.items():
        if type(v1) is dict:
            names = _names_under(k1)
            for k2, v2 in v1.items():
                p2 = names[k2]
                flat[p2] = v2
                if type(v2) is dict:
                    names3 = _names_under(p2)
                    for k3, v3 in v2.items():
                        flat[names3[k3]] = v3
    return flat


class _Names(dict):
    """Cache of dotted names under one prefix (building strings is the slow part of :func:`flatten`)."""

    __slots__ = ("prefix",)

    def __init__(self, prefix: str):
        super().__init__()
        self.prefix = prefix

    def __missing__(self, key: str) -> str:
        name = f"{self.prefix}.{key}"
        if len(self) < 512:  # bounded: keys come from validated profiles, but stay safe
            self[key] = name
        return name


_NAMES: dict[str, _Names] = {}


def _names_under(prefix: str) -> _Names:
    names = _NAMES.get(prefix)
    if names is None:
        names = _Names(prefix)
        if len(_NAMES) < 512:
            _NAMES[prefix] = names
    return names


def _check_path(path: Any) -> str:
    if not isinstance(path, str) or not path or any(not part for part in path.split(".")):
        raise RuleError(f"not a fact path: {path!r}")
    if path.count(".") > 2:
        raise RuleError(f"fact paths have at most three parts: {path!r}")
    return path


def _flat_getter(path: str) -> Operand:
    _check_path(path)

    def get(facts: Profile) -> Any:
        return facts.get(path)

    return get


def fact_getter(path: str) -> Operand:
    """A getter for a dotted path in a *nested* profile; ``None`` for anything missing or null.
    (Conditions use :func:`flatten` instead; this is for texts and callers outside the rules.)"""
    if not isinstance(path, str) or not path or any(not part for part in path.split(".")):
        raise RuleError(f"not a fact path: {path!r}")
    keys = tuple(path.split("."))
    if len(keys) == 1:
        (k1,) = keys

        def get1(p: Profile) -> Any:
            return p.get(k1)

        return get1
    if len(keys) == 2:
        k1, k2 = keys

        def get2(p: Profile) -> Any:
            x = p.get(k1)
            return x.get(k2) if isinstance(x, dict) else None

        return get2
    if len(keys) == 3:
        k1, k2, k3 = keys

        def get3(p: Profile) -> Any:
            x = p.get(k1)
            if not isinstance(x, dict):
                return None
            x = x.get(k2)
            return x.get(k3) if isinstance(x, dict) else None

        return get3

    def getn(p: Profile) -> Any:
        x: Any = p
        for key in keys:
            if not isinstance(x, dict):
                return None
            x = x.get(key)
        return x

    return getn


def _signal(path: str) -> Condition:
    _check_path(path)
    parent_path, _, leaf = path.rpartition(".")
    if not parent_path:
        raise RuleError(f"signal needs a fact inside an object: {path!r}")

    def signal(facts: Profile) -> Truth:
        container = facts.get(parent_path)
        if type(container) is not dict:
            return None
        value = container.get(leaf)
        if value is None:
            # Not given: negative evidence if the family described this object with other values.
            for other in container.values():
                if other is not None:
                    return False
            return None
        return bool(value)

    return signal


# --------------------------------------------------------------------------------------------------
# Compilation
# --------------------------------------------------------------------------------------------------

_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


def compile_operand(node: Any, params: Mapping[str, Any], where: str = "", literal_strings: bool = False) -> Operand:
    """Compile an operand to ``fn(profile) -> value | None``.

    A plain string is a fact path, except where ``literal_strings`` is set (the right-hand side of a
    comparison, so that ``{eq: [child.setting, kindergarten]}`` compares with the word ``kindergarten``).
    """
    if isinstance(node, str):
        if literal_strings:
            constant_text = node
            return lambda p: constant_text
        return _flat_getter(node)
    if isinstance(node, bool | int | float) or node is None:
        constant = node
        return lambda p: constant
    if isinstance(node, list):
        constant_list = list(node)
        return lambda p: constant_list
    if isinstance(node, dict) and len(node) == 1:
        (key, arg), = node.items()
        if key == "param":
            if arg not in params:
                raise RuleError(f"{where}: parameter {arg!r} has no value in force")
            constant = params[arg]
            return lambda p: constant
        if key == "value":
            constant = arg
            return lambda p: constant
        if key == "fact":
            return _flat_getter(arg)
        if key == "count":
            get = _flat_getter(arg)

            def count(p: Profile) -> int | None:
                value = get(p)
                return None if value is None else len(value)

            return count
        if key == "count_true":
            get = _flat_getter(arg)

            def count_true(p: Profile) -> int | None:
                value = get(p)
                if value is None:
                    return None
                return sum(1 for v in value.values() if v is True)

            return count_true
        if key == "sum":
            if not isinstance(arg, list) or not arg:
                raise RuleError(f"{where}: sum needs a list of operands")
            parts = [compile_operand(part, params, where) for part in arg]

            def total(p: Profile) -> Any:
                known = [v for v in (part(p) for part in parts) if v is not None]
                return sum(known) if known else None

            return total
    raise RuleError(f"{where}: not an operand: {node!r}")


def compile_condition(
    node: Any,
    params: Mapping[str, Any],
    named: Mapping[str, Any] | None = None,
    where: str = "",
    _seen: tuple[str, ...] = (),
) -> Condition:
    """Compile a condition to a closure ``fn(profile) -> True | False | None``.

    ``params`` are the parameter values in force (see :func:`resolve_parameters`); ``named`` holds the
    named conditions ``{ref: NAME}`` may use. Raises :class:`RuleError` for malformed rules.
    """
    named = named or {}
    if node is True or node is False:
        constant = bool(node)
        return lambda p: constant
    if not isinstance(node, dict) or len(node) != 1:
        raise RuleError(f"{where}: a condition is one key and its argument, got {node!r}")
    (key, arg), = node.items()

    def sub(child: Any) -> Condition:
        return compile_condition(child, params, named, where, _seen)

    if key in ("all", "any"):
        if not isinstance(arg, list) or not arg:
            raise RuleError(f"{where}: {key} needs a non-empty list")
        parts = tuple(sub(child) for child in arg)
        decisive = key == "any"  # one False decides "all", one True decides "any"

        def combined(p: Profile) -> Truth:
            return _kleene((part(p) for part in parts), decisive)

        return combined
    if key == "not":
        inner = sub(arg)

        def not_(p: Profile) -> Truth:
            value = inner(p)
            return None if value is None else not value

        return not_
    if key == "ref":
        if arg not in named:
            raise RuleError(f"{where}: unknown named condition {arg!r}")
        if arg in _seen:
            raise RuleError(f"{where}: named condition {arg!r} refers to itself")
        return compile_condition(named[arg], params, named, where, (*_seen, arg))
    if key == "fact":
        path = _check_path(arg)

        def fact(facts: Profile) -> Truth:
            value = facts.get(path)
            return None if value is None else bool(value)

        return fact
    if key == "known":
        path = _check_path(arg)
        return lambda facts: facts.get(path) is not None
    if key == "signal":
        return _signal(arg)
    if key in _COMPARE:
        if not isinstance(arg, list) or len(arg) != 2:
            raise RuleError(f"{where}: {key} needs [left, right]")
        compare = _COMPARE[key]
        is_param = isinstance(arg[1], dict) and set(arg[1]) == {"param"}
        if isinstance(arg[0], str) and (is_param or not isinstance(arg[1], dict | list)):
            # The common case, a fact against a constant or a parameter: one lookup, no operand closures.
            path = _check_path(arg[0])
            constant = compile_operand(arg[1], params, where)({}) if is_param else arg[1]

            def fact_vs_constant(facts: Profile) -> Truth:
                a = facts.get(path)
                if a is None:
                    return None
                try:
                    return compare(a, constant)
                except TypeError:
                    return None

            return fact_vs_constant
        left = compile_operand(arg[0], params, where)
        right = compile_operand(arg[1], params, where, literal_strings=True)

        def comparison(p: Profile) -> Truth:
            a = left(p)
            if a is None:
                return None
            b = right(p)
            if b is None:
                return None
            try:
                return compare(a, b)
            except TypeError:
                return None

        return comparison
    if key == "between":
        if not isinstance(arg, list) or len(arg) != 3:
            raise RuleError(f"{where}: between needs [value, low, high]")
        value_of, low_of, high_of = (compile_operand(x, params, where) for x in arg)

        def between(p: Profile) -> Truth:
            value, low, high = value_of(p), low_of(p), high_of(p)
            if value is None or low is None or high is None:
                return None
            return low <= value <= high

        return between
    if key == "in":
        if not isinstance(arg, list) or len(arg) != 2:
            raise RuleError(f"{where}: in needs [value, [choices]]")
        value_of = compile_operand(arg[0], params, where)
        listed = arg[1]
        if isinstance(listed, dict) and set(listed) == {"param"}:
            listed = compile_operand(listed, params, where)({})
        if not isinstance(listed, list):
            raise RuleError(f"{where}: in needs a list of choices")
        choices = frozenset(listed)

        def in_(p: Profile) -> Truth:
            value = value_of(p)
            return None if value is None else value in choices

        return in_
    if key == "has_any":
        if not isinstance(arg, list) or len(arg) != 2 or not isinstance(arg[1], list):
            raise RuleError(f"{where}: has_any needs [list_path, [values]]")
        path = _check_path(arg[0])
        wanted = frozenset(arg[1])

        def has_any(facts: Profile) -> Truth:
            value = facts.get(path)
            if value is None:
                return None
            return not wanted.isdisjoint(value)

        return has_any
    if key == "empty":
        get = _flat_getter(arg)

        def empty(p: Profile) -> Truth:
            value = get(p)
            return None if value is None else len(value) == 0

        return empty
    raise RuleError(f"{where}: unknown condition {key!r}")


# --------------------------------------------------------------------------------------------------
# The facts a condition reads
# --------------------------------------------------------------------------------------------------


def _operand_facts(node: Any, literal_strings: bool = False) -> list[str]:
    if isinstance(node, str):
        return [] if literal_strings else [node]
    if isinstance(node, dict) and len(node) == 1:
        (key, arg), = node.items()
        if key in ("fact", "count", "count_true") and isinstance(arg, str):
            return [arg]
        if key == "sum" and isinstance(arg, list):
            return [path for part in arg for path in _operand_facts(part)]
    return []


def condition_facts(node: Any, named: Mapping[str, Any] | None = None, _seen: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The fact paths a condition reads, in the order they first appear (named conditions followed).

    The engine uses them to tell which of a criterion's facts the family has answered, so that a question the
    family answered is never asked again (see :mod:`los.navigator.engine`)."""
    named = named or {}
    found: list[str] = []

    def walk(node: Any, seen: tuple[str, ...]) -> None:
        if not isinstance(node, dict) or len(node) != 1:
            return
        (key, arg), = node.items()
        if key in ("all", "any") and isinstance(arg, list):
            for child in arg:
                walk(child, seen)
        elif key == "not":
            walk(arg, seen)
        elif key == "ref" and arg in named and arg not in seen:
            walk(named[arg], (*seen, arg))
        elif key in ("fact", "known", "signal", "empty") and isinstance(arg, str):
            found.append(arg)
        elif key == "has_any" and isinstance(arg, list) and arg:
            found.extend(_operand_facts(arg[0]))
        elif key in _COMPARE and isinstance(arg, list) and len(arg) == 2:
            found.extend(_operand_facts(arg[0]))
            found.extend(_operand_facts(arg[1], literal_strings=True))
        elif key == "between" and isinstance(arg, list):
            for part in arg:
                found.extend(_operand_facts(part))
        elif key == "in" and isinstance(arg, list) and arg:
            found.extend(_operand_facts(arg[0]))

    walk(node, _seen)
    return tuple(dict.fromkeys(found))
