"""Append-only, hash-chained audit log.

Each municipality has its own chain (``chain`` = the municipality id, or ``global`` for events that
belong to none). Appending locks the chain's head row, so events in one chain form a single line even
with many app servers. ``hash = sha256(prev_hash + canonical JSON of the event)``. :func:`verify`
walks every chain and reports the first event whose link or content does not match.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from los.access.models import AuditChainHead, AuditEvent
from los.accounts.models import User

GENESIS = "0" * 64
HASHED_FIELDS = (
    "chain", "seq", "at", "actor_id", "actor_name", "actor_role", "actor_service", "municipality_id",
    "family_id", "action", "object_type", "object_id", "category", "allowed", "reason", "session_ref",
    "ip_address", "path", "prev_hash",
)


#: Hashed only when not empty, so that events written before the field existed keep their hash.
OPTIONAL_HASHED_FIELDS = ("categories",)

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
    return hashlib.sha256((event.prev_hash + _canonical(event)).encode()).hexdigest()


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
    head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
    if head is None:
        try:
            with transaction.atomic():
                AuditChainHead.objects.create(chain=chain)
        except IntegrityError:
            pass
        head = AuditChainHead.objects.select_for_update().get(chain=chain)
    return head


def _event(head: AuditChainHead, *, actor: User | None, action: str, object_type: str, object_id: Any = "",
           municipality_id: int | None = None, family_id: int | None = None, category: str = "",
           categories: Iterable[str] = (), allowed: bool = True, reason: str = "", role: str = "", service: str = "",
           request: HttpRequest | None = None) -> AuditEvent:
    """The next event of the chain whose head is ``head`` (locked), linked and hashed; not yet saved."""
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
    chain = str(municipality_id) if municipality_id else "global"
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
        by_chain.setdefault(str(municipality_id) if municipality_id else "global", []).append(kwargs)
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
                "session_ref", "ip_address", "path", "prev_hash", "hash")


_EVENT_FIELDS = tuple(name for name in HASHED_FIELDS if name not in ("chain", "seq", "prev_hash"))


def append_many(chain: str, events: Iterable[dict[str, Any]], using: str = "default",
                batch_size: int = 5000) -> int:
    """Append many events, in the given order, to one chain, linked and hashed exactly like :func:`record`.

    For bulk loads (demo data, imports), not for requests. Each event is a dict with the hashed fields except
    ``chain``, ``seq`` and ``prev_hash`` (``at`` an aware datetime; ``actor_id`` an id, not a user). The head
    row is locked for the whole append and moved to the last event. On PostgreSQL the rows are written with
    COPY (ids follow the chain's order, as :func:`verify_chains` expects); elsewhere with one parameterised
    INSERT per batch. Keys other than the hashed fields are ignored. Returns the number of events written.
    """
    connection = connections[using]
    postgres = connection.vendor == "postgresql"
    table = AuditEvent._meta.db_table
    sha256 = hashlib.sha256
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

        for event in events:
            seq += 1
            at = event["at"]
            values = {name: event[name] for name in _EVENT_FIELDS}
            values["categories"] = event.get("categories", "")
            values["chain"], values["seq"], values["prev_hash"] = chain, seq, prev_hash
            hash_ = sha256((prev_hash + _canonical_values(dict(values))).encode()).hexdigest()
            # PostgreSQL reads the canonical UTC timestamp as it is; other databases get theirs
            values["at"] = values["at"] if postgres else connection.ops.adapt_datetimefield_value(at)
            values["hash"] = hash_
            rows.append(tuple(values[name] for name in _BULK_FIELDS))
            prev_hash = hash_
            count += 1
            if len(rows) >= batch_size:
                flush()
        flush()
        if count:
            head.seq, head.hash = seq, prev_hash
            head.save(update_fields=["seq", "hash"])
    return count


@dataclass(frozen=True)
class Break:
    chain: str
    seq: int
    event_id: int | None
    problem: str

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


def chain_names() -> list[str]:
    """Every chain that has a head or at least one event."""
    names = set(AuditChainHead.objects.values_list("chain", flat=True))
    names |= set(AuditEvent.objects.order_by().values_list("chain", flat=True).distinct())
    return sorted(names, key=lambda c: (not c.isdigit(), int(c) if c.isdigit() else 0, c))


def verify(batch_size: int = 5000, chains: list[str] | None = None) -> Iterator[Break]:
    """Yield the first break of every chain (none when the log is intact)."""
    for result in verify_chains(batch_size=batch_size, chains=chains):
        if result.broken is not None:
            yield result.broken


def verify_chains(batch_size: int = 5000, chains: list[str] | None = None) -> Iterator[ChainResult]:
    """Check every chain (or the named ones) and yield one result per chain, streaming in batches."""
    heads = {h.chain: h for h in AuditChainHead.objects.all()}
    for chain in chains if chains is not None else chain_names():
        yield _verify_chain(chain, heads.get(chain), batch_size)


_FETCHED = ("pk", "hash", *HASHED_FIELDS, *OPTIONAL_HASHED_FIELDS)


def _verify_chain(chain: str, head: AuditChainHead | None, batch_size: int) -> ChainResult:
    """Walk one chain in ``seq`` order with keyset pagination: one query per batch, none per event."""
    prev_hash, expected_seq, last_id, count = GENESIS, 1, 0, 0
    names = (*HASHED_FIELDS, *OPTIONAL_HASHED_FIELDS)
    sha256 = hashlib.sha256

    def result(broken: Break | None) -> ChainResult:
        return ChainResult(chain, count, expected_seq - 1, prev_hash, broken)

    while True:
        rows = list(
            AuditEvent.objects.filter(chain=chain, seq__gte=expected_seq).order_by("seq")
            .values_list(*_FETCHED)[:batch_size]
        )
        if not rows:
            break
        for row in rows:
            pk, stored_hash = row[0], row[1]
            values = dict(zip(names, row[2:], strict=True))
            seq = values["seq"]
            if seq != expected_seq:
                return result(Break(chain, expected_seq, None,
                                    f"event {expected_seq} is missing (deleted); the next event is seq {seq}, "
                                    f"id {pk}"))
            if values["prev_hash"] != prev_hash:
                return result(Break(chain, seq, pk, _link_problem(chain, values["prev_hash"])))
            if sha256((prev_hash + _canonical_values(values)).encode()).hexdigest() != stored_hash:
                return result(Break(chain, seq, pk, "content does not match its hash (the event was edited)"))
            if pk < last_id:
                return result(Break(chain, seq, pk, "events are out of order (stored before the previous event)"))
            prev_hash, last_id = stored_hash, pk
            expected_seq += 1
            count += 1
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        if head.seq > expected_seq - 1:
            return result(Break(chain, expected_seq, None,
                                f"the last events of the chain are missing (the head is at seq {head.seq})"))
        return result(Break(chain, expected_seq - 1, last_id or None, "the chain does not end where its head says"))
    return result(None)


def _link_problem(chain: str, linked_hash: str) -> str:
    """Explain a broken link: a reordered event still links to an event that exists elsewhere."""
    elsewhere = AuditEvent.objects.filter(chain=chain, hash=linked_hash).values_list("seq", flat=True).first()
    if elsewhere is not None:
        return (f"events are out of order: this event follows the event now at seq {elsewhere}, "
                "not the one before it")
    return "link to the previous event does not match (an event before it was changed or removed)"
