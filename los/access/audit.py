"""Append-only, hash-chained audit log, keyed with the audit key.

Each municipality has its own chain (``chain`` = the municipality id, or ``global`` for events that
belong to none). Appending locks the chain's head row, so events in one chain form a single line even
with many app servers. ``hash = HMAC-SHA256(audit key, prev_hash + canonical JSON of the event)``; the
key is not in the database (:mod:`los.access.audit_keys`) and its id is part of the event
(``key_id``, hashed), so someone who can write to the database but has not the key cannot recompute a
chain after changing it. Events written before the chain was keyed have no key id and a plain SHA-256
hash: they are accepted only at the start of a chain, before its keyed events (the first keyed event
seals them by its link), and a chain must not end with such events (``manage.py audit_anchor`` seals a
chain that does).

The first event of a new chain is announced in ``global`` (an ``AuditChain`` event), so that the verifier
knows every chain that has ever had events and reports one that is deleted whole. The heads of all chains
are copied on a schedule to an anchor outside the database (:mod:`los.access.anchor`), so that a chain cut
short or rewritten is found even though its head row lives in the same database.

:func:`verify` walks every chain and reports the first event whose link, content or key does not match,
a chain that is missing, and (given the anchor) a chain that ends before or differs from what was anchored.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from los.access import audit_keys
from los.access.models import AuditChainHead, AuditEvent
from los.accounts.models import User

GENESIS = "0" * 64
HASHED_FIELDS = (
    "chain", "seq", "at", "actor_id", "actor_name", "actor_role", "actor_service", "municipality_id",
    "family_id", "action", "object_type", "object_id", "category", "allowed", "reason", "session_ref",
    "ip_address", "path", "prev_hash",
)


#: Hashed only when not empty, so that events written before the field existed keep their hash.
OPTIONAL_HASHED_FIELDS = ("categories", "key_id")
GLOBAL = "global"
#: ``object_type`` of the event in ``global`` that announces a new chain (its ``object_id`` is the chain).
CHAIN_OPENED = "AuditChain"

_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _timestamp(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC (the same as strftime("%Y-%m-%dT%H:%M:%S.%fZ"), faster)."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _canonical_values(values: dict[str, Any]) -> str:
    for name in OPTIONAL_HASHED_FIELDS:
        if name in values and not values[name]:
            del values[name]
    at = values.get("at")
    if isinstance(at, datetime):
        values["at"] = _timestamp(at)
    return _ENCODER.encode(values)


def _canonical(event: AuditEvent) -> str:
    return _canonical_values({name: getattr(event, name) for name in (*HASHED_FIELDS, *OPTIONAL_HASHED_FIELDS)})


def compute_hash(event: AuditEvent) -> str:
    """The event's hash: HMAC-SHA256 under the key named by its ``key_id``, or SHA-256 for an event without one."""
    message = (event.prev_hash + _canonical(event)).encode()
    if not event.key_id:
        return hashlib.sha256(message).hexdigest()
    key = audit_keys.key(event.key_id)
    if key is None:
        raise audit_keys.AuditKeyError(f"This installation does not have the audit key '{event.key_id}'.")
    return key.hexdigest(message)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the audit log records it (behind trusted proxies: the one they saw)."""
    return _client_ip(request)


def _client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, normalised the way the database stores it (so the hash survives a reload)."""
    if request is None:
        return None
    value = (request.META.get("REMOTE_ADDR") or "").strip()
    proxies = int(getattr(settings, "LOS_TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies:
        # behind our own reverse proxies: the address the outermost trusted proxy saw, counted from the
        # right of X-Forwarded-For (entries further left are written by the client and cannot be trusted)
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            value = forwarded[-proxies]
    if not value:
        return None
    try:
        if ":" in value:
            return clean_ipv6_address(value)
        return str(ipaddress.IPv4Address(value))
    except (ValueError, ValidationError):
        return None


def _session_ref(request: HttpRequest | None) -> str:
    if request is None or not getattr(request, "session", None) or not request.session.session_key:
        return ""
    # never store the session key itself: a hash is enough to tie events of one session together
    return hashlib.sha256(request.session.session_key.encode()).hexdigest()[:32]


def _lock_head(chain: str) -> AuditChainHead:
    """Lock the chain's head row; a new chain gets its head, and its opening is announced in ``global``."""
    head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
    if head is None:
        created = False
        try:
            with transaction.atomic():
                AuditChainHead.objects.create(chain=chain)
                created = True
        except IntegrityError:
            pass
        head = AuditChainHead.objects.select_for_update().get(chain=chain)
        if created and chain != GLOBAL:
            announce(chain)
    return head


def announce(chain: str) -> AuditEvent:
    """Record in ``global`` that ``chain`` exists, so that the verifier misses it if it is ever deleted whole."""
    return record(actor=None, action="change", object_type=CHAIN_OPENED, object_id=chain,
                  reason=f"audit chain {chain} opened")


def _event(head: AuditChainHead, *, actor: User | None, action: str, object_type: str, object_id: Any = "",
           municipality_id: int | None = None, family_id: int | None = None, category: str = "",
           categories: Iterable[str] = (), allowed: bool = True, reason: str = "", role: str = "", service: str = "",
           request: HttpRequest | None = None) -> AuditEvent:
    """The next event of the chain whose head is ``head`` (locked), linked and keyed; not yet saved."""
    now = timezone.now()  # taken under the lock, so that time follows the chain's order
    authenticated = actor is not None and actor.is_authenticated
    event = AuditEvent(
        chain=head.chain,
        seq=head.seq + 1,
        at=now,
        actor=actor if authenticated else None,
        actor_name=(actor.get_full_name() or actor.username)[:200] if authenticated else "",
        actor_role=role[:40],
        actor_service=service[:200],
        municipality_id=municipality_id,
        family_id=family_id,
        action=action,
        object_type=object_type[:60],
        object_id=str(object_id or "")[:40],
        category=str(category or "")[:20],
        categories=",".join(sorted({str(c) for c in categories if c}))[:200],
        allowed=allowed,
        reason=reason[:300],
        session_ref=_session_ref(request),
        ip_address=_client_ip(request),
        path=(request.path[:300] if request is not None else ""),
        prev_hash=head.hash,
        key_id=audit_keys.current_key().key_id,
    )
    event.hash = compute_hash(event)
    head.seq, head.hash = event.seq, event.hash
    return event


def record(
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: Any = "",
    municipality_id: int | None = None,
    family_id: int | None = None,
    category: str = "",
    categories: Iterable[str] = (),
    allowed: bool = True,
    reason: str = "",
    role: str = "",
    service: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event to the municipality's chain."""
    chain = str(municipality_id) if municipality_id else GLOBAL
    with transaction.atomic():
        head = _lock_head(chain)
        event = _event(head, actor=actor, action=action, object_type=object_type, object_id=object_id,
                       municipality_id=municipality_id, family_id=family_id, category=category,
                       categories=categories, allowed=allowed, reason=reason, role=role, service=service,
                       request=request)
        event.save()
        head.save(update_fields=["seq", "hash"])
    return event


def record_many(events: Iterable[dict[str, Any]]) -> list[AuditEvent]:
    """Append several events (each the keyword arguments of :func:`record`): one lock and one insert per chain.

    For the events of one request (a list that showed twenty families leaves twenty events)."""
    by_chain: dict[str, list[dict[str, Any]]] = {}
    for kwargs in events:
        municipality_id = kwargs.get("municipality_id")
        by_chain.setdefault(str(municipality_id) if municipality_id else GLOBAL, []).append(kwargs)
    written: list[AuditEvent] = []
    for chain in sorted(by_chain):
        with transaction.atomic():
            head = _lock_head(chain)
            batch = [_event(head, **kwargs) for kwargs in by_chain[chain]]
            AuditEvent.objects.bulk_create(batch)
            head.save(update_fields=["seq", "hash"])
        written.extend(batch)
    return written


_BULK_FIELDS = ("chain", "seq", "at", "actor_id", "actor_name", "actor_role", "actor_service", "municipality_id",
                "family_id", "action", "object_type", "object_id", "category", "categories", "allowed", "reason",
                "session_ref", "ip_address", "path", "prev_hash", "hash", "key_id")


_EVENT_FIELDS = tuple(name for name in HASHED_FIELDS if name not in ("chain", "seq", "prev_hash"))


def append_many(chain: str, events: Iterable[dict[str, Any]], using: str = "default",
                batch_size: int = 5000) -> int:
    """Append many events, in the given order, to one chain, linked and keyed exactly like :func:`record`.

    For bulk loads (demo data, imports), not for requests. Each event is a dict with the hashed fields except
    ``chain``, ``seq``, ``prev_hash`` and ``key_id`` (``at`` an aware datetime; ``actor_id`` an id, not a user).
    The head row is locked for the whole append and moved to the last event. On PostgreSQL the rows are written
    with COPY (ids follow the chain's order, as :func:`verify_chains` expects); elsewhere with one parameterised
    INSERT per batch. No query per event: the key's HMAC states are set up once. Keys other than the hashed
    fields are ignored. Returns the number of events written (none: the chain is not touched).
    """
    events = iter(events)
    first = next(events, None)
    if first is None:
        return 0
    connection = connections[using]
    postgres = connection.vendor == "postgresql"
    table = AuditEvent._meta.db_table
    key = audit_keys.current_key()
    mac, key_id = key.hexdigest, key.key_id
    count = 0
    with transaction.atomic(using=using):
        head = _lock_head(chain)
        seq, prev_hash = head.seq, head.hash
        rows: list[tuple] = []

        def flush() -> None:
            if not rows:
                return
            if postgres:
                columns = ", ".join(connection.ops.quote_name(name) for name in _BULK_FIELDS)
                with connection.cursor() as cursor, cursor.cursor.copy(
                        f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                columns = ", ".join(connection.ops.quote_name(name) for name in _BULK_FIELDS)
                with connection.cursor() as cursor:
                    placeholders = ", ".join(["%s"] * len(_BULK_FIELDS))
                    # table and column names are the model's own, quoted; the values are parameters
                    sql = f"INSERT INTO {connection.ops.quote_name(table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
                    cursor.executemany(sql, rows)
            rows.clear()

        for event in _chained(first, events):
            seq += 1
            at = event["at"]
            values = {name: event[name] for name in _EVENT_FIELDS}
            values["categories"] = event.get("categories", "")
            values["chain"], values["seq"], values["prev_hash"], values["key_id"] = chain, seq, prev_hash, key_id
            hash_ = mac((prev_hash + _canonical_values(dict(values))).encode())
            # PostgreSQL reads the canonical UTC timestamp as it is; other databases get theirs
            values["at"] = values["at"] if postgres else connection.ops.adapt_datetimefield_value(at)
            values["hash"] = hash_
            rows.append(tuple(values[name] for name in _BULK_FIELDS))
            prev_hash = hash_
            count += 1
            if len(rows) >= batch_size:
                flush()
        flush()
        head.seq, head.hash = seq, prev_hash
        head.save(update_fields=["seq", "hash"])
    return count


def _chained(first: dict[str, Any], rest: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield first
    yield from rest


def _sorted_heads(heads: Iterable[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    order = {name: i for i, name in enumerate(_sorted(h[0] for h in heads))}
    return sorted(heads, key=lambda h: order[h[0]])


def seal_and_announce() -> tuple[list[str], list[str]]:
    """Bring chains from before keyed chains up to date: announce in ``global`` every chain that exists but was
    never announced, and seal every chain whose last event has no key by appending a keyed event to it (its
    link seals the events before it). Returns (sealed chains, announced chains). Run by ``manage.py
    audit_anchor``; does nothing on a log written with the key from the start."""
    announced_before = set(AuditEvent.objects.filter(chain=GLOBAL, object_type=CHAIN_OPENED)
                           .values_list("object_id", flat=True))
    announced: list[str] = []
    sealed: list[str] = []
    for chain in _sorted(AuditChainHead.objects.values_list("chain", flat=True)):
        if chain != GLOBAL and chain not in announced_before:
            record(actor=None, action="change", object_type=CHAIN_OPENED, object_id=chain,
                   reason=f"audit chain {chain} announced (it was opened before chains were announced)")
            announced.append(chain)
        last = AuditEvent.objects.filter(chain=chain).order_by("-seq").values_list("seq", "key_id").first()
        if last is not None and last[1] == "":
            seq = last[0]
            record(actor=None, action="change", object_type=CHAIN_OPENED, object_id=chain,
                   municipality_id=int(chain) if chain.isdigit() else None,
                   reason=f"audit chain {chain} sealed with the audit key: events up to seq {seq} were written "
                          "without a key")
            sealed.append(chain)
    return sealed, announced


# --- verification ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """The first problem found in one chain. ``kind``: ``edited``, ``deleted``, ``reordered``, ``head``,
    ``truncated``, ``missing_chain``, ``recomputed``, ``unsealed``, ``unknown_key`` (or ``anchor`` for the anchor
    file itself)."""

    chain: str
    seq: int
    event_id: int | None
    problem: str
    kind: str = ""

    def __str__(self) -> str:
        event = f"event id {self.event_id}" if self.event_id is not None else "event id unknown"
        return f"chain {self.chain}, seq {self.seq}, {event}: {self.problem}"


@dataclass
class ChainResult:
    chain: str
    events: int
    head_seq: int
    head_hash: str
    broken: Break | None


@dataclass(frozen=True)
class Anchor:
    """What the anchor outside the database last saw of a chain: at ``at`` it ended at ``seq`` with ``hash``."""

    chain: str
    seq: int
    hash: str
    at: str


def _sorted(names: Iterable[str]) -> list[str]:
    return sorted(set(names), key=lambda c: (not c.isdigit(), int(c) if c.isdigit() else 0, c))


def existing_chains(using: str = "default") -> set[str]:
    """Every chain that has a head or at least one event."""
    names = set(AuditChainHead.objects.using(using).values_list("chain", flat=True))
    names |= set(AuditEvent.objects.using(using).order_by().values_list("chain", flat=True).distinct())
    return names


def expected_chains(anchors: dict[str, Anchor] | None = None, using: str = "default") -> dict[str, str]:
    """The chains that must exist, each with the reason: announced in ``global`` when it was opened, seen by the
    anchor, or ``global`` itself (where every keyed chain is announced)."""
    expected: dict[str, str] = {}
    for chain, at in (AuditEvent.objects.using(using).filter(chain=GLOBAL, object_type=CHAIN_OPENED)
                      .values_list("object_id", "at")):
        expected.setdefault(chain, f"the global chain records that it was opened on {_timestamp(at)}")
    for chain, anchor in (anchors or {}).items():
        expected.setdefault(chain, f"the anchor saw it at seq {anchor.seq} on {anchor.at}")
    if GLOBAL not in expected and (expected or AuditEvent.objects.using(using).exclude(chain=GLOBAL)
                                   .exclude(key_id="").exists()):
        expected[GLOBAL] = "every keyed chain is announced in the global chain"
    return expected


def chain_names(anchors: dict[str, Anchor] | None = None, using: str = "default",
                existing: Callable[[str], set[str]] = existing_chains) -> list[str]:
    """Every chain that exists (``existing``: :func:`existing_chains` unless a verifier knows more) or must exist
    (:func:`expected_chains`)."""
    return _sorted(existing(using) | set(expected_chains(anchors, using)))


def verify(batch_size: int = 5000, chains: list[str] | None = None, anchors: dict[str, Anchor] | None = None,
           using: str = "default", verifier: Callable[..., Iterator[ChainResult]] | None = None) -> Iterator[Break]:
    """Yield the first break of every chain (none when the log is intact), as ``verifier`` (:func:`verify_chains`
    unless another is given, e.g. the pruning-aware one in ``los.ops.chain``) finds them."""
    for result in (verifier or verify_chains)(batch_size=batch_size, chains=chains, anchors=anchors, using=using):
        if result.broken is not None:
            yield result.broken


#: Walks one chain: ``(chain, head, batch_size, anchor, expected, using) -> ChainResult``.
ChainCheck = Callable[[str, AuditChainHead | None, int, Anchor | None, str, str], ChainResult]


def verify_chains(batch_size: int = 5000, chains: list[str] | None = None,
                  anchors: dict[str, Anchor] | None = None, expected: dict[str, str] | None = None,
                  using: str = "default", existing: Callable[[str], set[str]] = existing_chains,
                  check: ChainCheck | None = None) -> Iterator[ChainResult]:
    """Check every chain that exists or must exist (or the named ones) and yield one result per chain, streaming
    in batches. ``anchors``: the anchor's last view of each chain (:func:`los.access.anchor.read`);
    ``expected``: why a chain must exist (:func:`expected_chains`; computed here when ``chains`` is not given).
    A verifier that knows more (``los.ops.chain``) gives the chains that exist (``existing``) and walks each one
    itself (``check``)."""
    anchors = anchors or {}
    if chains is None:
        expected = expected_chains(anchors, using) if expected is None else expected
        chains = _sorted(existing(using) | set(expected))
    expected = expected or {}
    heads = {h.chain: h for h in AuditChainHead.objects.using(using).all()}
    check = check or _verify_chain
    for chain in chains:
        yield check(chain, heads.get(chain), batch_size, anchors.get(chain), expected.get(chain, ""), using)


_FETCHED = ("pk", "hash", *HASHED_FIELDS, *OPTIONAL_HASHED_FIELDS)
_NAMES = (*HASHED_FIELDS, *OPTIONAL_HASHED_FIELDS)


class ChainWalk:
    """The checks of one chain, fed its events (and, in the pruning-aware verifier, its tombstones) in ``seq``
    order: no ``seq`` missing, every event linked to the one before, its content matching its hash under its
    key, storage order following chain order, no event without a key after keyed ones, the anchor's hash at
    the anchored ``seq``; and at the end: the chain ends where its head and its anchor say, and not with
    events that no key seals. No query per event."""

    def __init__(self, chain: str, anchor: Anchor | None = None, using: str = "default") -> None:
        self.chain, self.anchor, self.using = chain, anchor, using
        self.prev_hash, self.expected_seq, self.last_id, self.count = GENESIS, 1, 0, 0
        self.keyed = False  # a keyed event has been seen
        self.unsealed_from: int | None = None  # first of the events without a key at the current end
        self.present = False  # a checkpoint or a tombstone (events are counted)
        self._anchor_seq = anchor.seq if anchor is not None else -1
        self._key_id, self._key = "", None  # the key of the previous keyed event (usually the same)

    def result(self, broken: Break | None) -> ChainResult:
        return ChainResult(self.chain, self.count, self.expected_seq - 1, self.prev_hash, broken)

    def _anchored(self, seq: int, hash_: str, pk: int | None) -> Break | None:
        anchor = self.anchor
        if anchor is not None and seq == anchor.seq and hash_ != anchor.hash:
            return Break(self.chain, seq, pk, f"the chain's hash at seq {seq} is not the one anchored on {anchor.at}: "
                                              "the chain was rewritten (recomputed) after it was anchored",
                         "recomputed")
        return None

    def start_after(self, seq: int, hash_: str) -> Break | None:
        """Continue after a pruning checkpoint: every event up to ``seq`` is gone, event ``seq`` had ``hash_``."""
        self.present = True
        self.prev_hash, self.expected_seq = hash_, seq + 1
        return self._anchored(seq, hash_, None)

    def missing(self, seq: int, pk: int | None = None) -> Break:
        """The next item has ``seq`` where ``expected_seq`` was due."""
        found = f"seq {seq}, id {pk}" if pk is not None else f"seq {seq}"
        return Break(self.chain, self.expected_seq, None,
                     f"event {self.expected_seq} is missing (deleted); the next event is {found}", "deleted")

    def event(self, pk: int, stored_hash: str, values: dict[str, Any]) -> Break | None:
        """Check the next event (``values``: the hashed fields). Kept lean: it runs two million times a night."""
        seq = values["seq"]
        if seq != self.expected_seq:
            return self.missing(seq, pk)
        prev_hash = self.prev_hash
        if values["prev_hash"] != prev_hash:
            problem = _link_problem(self.chain, values["prev_hash"], self.using)
            return Break(self.chain, seq, pk, problem, "reordered" if "out of order" in problem else "edited")
        key_id = values["key_id"]
        message = (prev_hash + _canonical_values(values)).encode()
        if key_id:
            if key_id != self._key_id:
                self._key_id, self._key = key_id, audit_keys.key(key_id)
            key = self._key
            if key is None:
                return Break(self.chain, seq, pk, f"the event was written with the audit key '{key_id}', which this "
                                                  "installation does not have (add it to LOS_AUDIT_OLD_KEYS)",
                             "unknown_key")
            if key.hexdigest(message) != stored_hash:
                return Break(self.chain, seq, pk, "content does not match its hash (the event was edited)", "edited")
            if not self.keyed or self.unsealed_from is not None:
                self.keyed, self.unsealed_from = True, None
        else:
            if self.keyed:
                return Break(self.chain, seq, pk, "the event has no audit key although events before it have one: "
                                                  "the chain was recomputed by someone without the key",
                             "recomputed")
            if hashlib.sha256(message).hexdigest() != stored_hash:
                return Break(self.chain, seq, pk, "content does not match its hash (the event was edited)", "edited")
            if self.unsealed_from is None:
                self.unsealed_from = seq
        if pk < self.last_id:
            return Break(self.chain, seq, pk, "events are out of order (stored before the previous event)",
                         "reordered")
        self.prev_hash, self.last_id = stored_hash, pk
        self.expected_seq = seq + 1
        self.count += 1
        if seq == self._anchor_seq:
            return self._anchored(seq, stored_hash, pk)
        return None

    def removed(self, seq: int, prev_hash: str, hash_: str, signed: bool) -> Break | None:
        """A signed record of a removed event (retention's tombstone): it seals the events before it."""
        self.present = True
        if prev_hash != self.prev_hash:
            return Break(self.chain, seq, None, "the removed event's link to the previous event does not match",
                         "edited")
        if not signed:
            return Break(self.chain, seq, None, "the removed event's record is not signed by this installation "
                                                "(forged or altered)", "edited")
        self.prev_hash, self.unsealed_from = hash_, None
        self.expected_seq += 1
        return self._anchored(seq, hash_, None)

    def finish(self, head: AuditChainHead | None, expected: str = "") -> ChainResult:
        """The end of the chain: compare with its head, its anchor, and whether a key seals it."""
        last = self.expected_seq - 1
        anchor = self.anchor
        if not self.present and not self.count and head is None:
            if expected or anchor is not None:
                why = expected or f"the anchor saw it at seq {anchor.seq} on {anchor.at}"
                return self.result(Break(self.chain, 1, None, f"the whole chain is missing (no events and no head), "
                                                              f"but {why}", "missing_chain"))
            return self.result(None)
        if head is None:
            return self.result(Break(self.chain, last, self.last_id or None,
                                     "the chain's head is missing (deleted)", "head"))
        if head.seq != last or head.hash != self.prev_hash:
            if head.seq > last:
                return self.result(Break(self.chain, self.expected_seq, None,
                                         f"the last events of the chain are missing (the head is at seq {head.seq})",
                                         "truncated"))
            return self.result(Break(self.chain, last, self.last_id or None,
                                     "the chain does not end where its head says", "head"))
        if anchor is not None and anchor.seq > last:
            return self.result(Break(self.chain, last + 1, None,
                                     f"the chain ends at seq {last}, but the anchor saw it at seq {anchor.seq} on "
                                     f"{anchor.at}: events were removed from its end (truncated)", "truncated"))
        if self.unsealed_from is not None:
            return self.result(Break(
                self.chain, self.unsealed_from, None,
                "the chain ends with events written without the audit key (from this seq on), which no keyed event "
                "seals: it was recomputed by someone without the key, or this installation was upgraded and "
                "`manage.py audit_anchor` has not sealed it yet", "unsealed"))
        return self.result(None)


def _verify_chain(chain: str, head: AuditChainHead | None, batch_size: int, anchor: Anchor | None = None,
                  expected: str = "", using: str = "default") -> ChainResult:
    """Walk one chain in ``seq`` order with keyset pagination: one query per batch, none per event."""
    walk = ChainWalk(chain, anchor, using)
    while True:
        rows = list(
            AuditEvent.objects.using(using).filter(chain=chain, seq__gte=walk.expected_seq).order_by("seq")
            .values_list(*_FETCHED)[:batch_size]
        )
        for row in rows:
            broken = walk.event(row[0], row[1], dict(zip(_NAMES, row[2:], strict=True)))
            if broken is not None:
                return walk.result(broken)
        if len(rows) < batch_size:
            break
    return walk.finish(head, expected)


def _link_problem(chain: str, linked_hash: str, using: str = "default") -> str:
    """Explain a broken link: a reordered event still links to an event that exists elsewhere."""
    elsewhere = (AuditEvent.objects.using(using).filter(chain=chain, hash=linked_hash)
                 .values_list("seq", flat=True).first())
    if elsewhere is not None:
        return (f"events are out of order: this event follows the event now at seq {elsewhere}, "
                "not the one before it")
    return "link to the previous event does not match (an event before it was changed or removed)"
