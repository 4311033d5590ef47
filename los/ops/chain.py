"""Removing audit events without breaking the hash chain, and verifying a chain that has been pruned.

The audit log (:mod:`los.access.audit`) links every event to the one before it: ``hash = HMAC-SHA256(audit
key, prev_hash + content)``. Removing an event would break the link of the next one. So an event is never simply deleted:
:func:`remove_events` replaces it with an :class:`~los.ops.models.AuditTombstone` that keeps its chain,
``seq``, ``prev_hash`` and ``hash`` (no content) and an HMAC signature made with the installation's
``SECRET_KEY``. :func:`compact` folds an unbroken run of tombstones at the start of a chain into one signed
:class:`~los.ops.models.AuditCheckpoint` ("pruned up to seq N, head hash H").

:func:`verify_chains` walks each chain like :func:`los.access.audit.verify_chains` and accepts, in place of
an event, a tombstone whose link and signature are right, and starts after a checkpoint whose signature is
right. Everything else (an edited, removed or reordered event, an unsigned tombstone, a forged checkpoint)
is still reported, and so are a missing chain, a chain that ends before its anchor or differs from it, and a
chain recomputed without the audit key (the checks of :class:`los.access.audit.ChainWalk`). A signed tombstone
seals the events without a key before it, as a keyed event does. With no tombstones and no checkpoints it gives
exactly the same results.
"""

from __future__ import annotations

import heapq
import hmac
from collections.abc import Iterable, Iterator
from functools import cache, partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from los.access import audit
from los.access.audit import (
    GENESIS,
    HASHED_FIELDS,
    Anchor,
    Break,
    ChainResult,
    ChainWalk,
)
from los.access.models import AuditChainHead, AuditEvent
from los.ops.models import AuditCheckpoint, AuditTombstone

_SALT = "los.ops.chain"


def _sign(message: str, secret: str | None = None) -> str:
    return salted_hmac(_SALT, message, secret=secret or settings.SECRET_KEY, algorithm="sha256").hexdigest()


def _signed_by_us(message: str, signature: str) -> bool:
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        if hmac.compare_digest(_sign(message, secret), signature):
            return True
    return False


def tombstone_message(chain: str, seq: int, prev_hash: str, hash_: str) -> str:
    return f"tombstone|{chain}|{seq}|{prev_hash}|{hash_}"


def checkpoint_message(chain: str, seq: int, hash_: str) -> str:
    return f"checkpoint|{chain}|{seq}|{hash_}"


def remove_events(event_ids: Iterable[int], reason: str, using: str = "default", batch_size: int = 2000) -> int:
    """Replace the audit events ``event_ids`` by signed tombstones; return how many were removed."""
    ids = sorted(set(event_ids))
    removed = 0
    now = timezone.now()
    with transaction.atomic(using=using):
        for start in range(0, len(ids), batch_size):
            chunk = ids[start:start + batch_size]
            rows = list(AuditEvent.objects.using(using).filter(pk__in=chunk)
                        .values_list("pk", "chain", "seq", "prev_hash", "hash"))
            AuditTombstone.objects.using(using).bulk_create([
                AuditTombstone(chain=chain_, seq=seq, prev_hash=prev_hash, hash=hash_, removed_at=now,
                               reason=reason[:100],
                               signature=_sign(tombstone_message(chain_, seq, prev_hash, hash_)))
                for _pk, chain_, seq, prev_hash, hash_ in rows
            ])
            # A queryset delete: the model's own delete() refuses, on purpose, for everyone else.
            AuditEvent.objects.using(using).filter(pk__in=[r[0] for r in rows])._raw_delete(using)
            removed += len(rows)
    return removed


def compact(chains: Iterable[str] | None = None, using: str = "default") -> int:
    """Fold the tombstones that directly follow each chain's start (or checkpoint) into the checkpoint.
    Returns the number of tombstones folded."""
    folded = 0
    names = chains if chains is not None else sorted(
        set(AuditTombstone.objects.using(using).values_list("chain", flat=True).distinct()))
    for name in names:
        with transaction.atomic(using=using):
            checkpoint = AuditCheckpoint.objects.using(using).select_for_update().filter(chain=name).first()
            seq = checkpoint.seq if checkpoint else 0
            hash_ = checkpoint.hash if checkpoint else GENESIS
            run: list[int] = []
            for pk, t_seq, t_prev, t_hash, signature in (
                    AuditTombstone.objects.using(using).filter(chain=name, seq__gt=seq).order_by("seq")
                    .values_list("pk", "seq", "prev_hash", "hash", "signature").iterator(chunk_size=5000)):
                if t_seq != seq + 1 or t_prev != hash_ or not _signed_by_us(
                        tombstone_message(name, t_seq, t_prev, t_hash), signature):
                    break
                seq, hash_ = t_seq, t_hash
                run.append(pk)
            if not run:
                continue
            values = {"seq": seq, "hash": hash_, "updated_at": timezone.now(),
                      "signature": _sign(checkpoint_message(name, seq, hash_))}
            if checkpoint is None:
                AuditCheckpoint.objects.using(using).create(chain=name, **values)
            else:
                AuditCheckpoint.objects.using(using).filter(pk=checkpoint.pk).update(**values)
            for start in range(0, len(run), 5000):
                AuditTombstone.objects.using(using).filter(pk__in=run[start:start + 5000]).delete()
            folded += len(run)
    return folded


def existing_chains(using: str = "default") -> set[str]:
    """Every chain with a head, an event, a tombstone or a checkpoint."""
    names = audit.existing_chains(using)
    names |= set(AuditTombstone.objects.using(using).order_by().values_list("chain", flat=True).distinct())
    names |= set(AuditCheckpoint.objects.using(using).values_list("chain", flat=True))
    return names


def verify_chains(batch_size: int = 5000, chains: list[str] | None = None,
                  anchors: dict[str, Anchor] | None = None, expected: dict[str, str] | None = None,
                  using: str = "default") -> Iterator[ChainResult]:
    """Like :func:`los.access.audit.verify_chains`, accepting retention's signed tombstones and checkpoints."""

    @cache
    def checkpoints() -> dict[str, AuditCheckpoint]:
        return {c.chain: c for c in AuditCheckpoint.objects.using(using).all()}

    def check(name: str, head: AuditChainHead | None, batch_size: int, anchor: Anchor | None, expected: str,
              using: str) -> ChainResult:
        return _verify_chain(name, head, checkpoints().get(name), batch_size, using, anchor, expected)

    yield from audit.verify_chains(batch_size, chains, anchors, expected, using, existing=existing_chains,
                                   check=check)


#: Every chain that exists (pruned or not) or must exist (:func:`los.access.audit.expected_chains`).
chain_names = partial(audit.chain_names, existing=existing_chains)
#: The first break of every chain (none when the log, pruned or not, is intact).
verify = partial(audit.verify, verifier=verify_chains)

_SEQ = 2 + HASHED_FIELDS.index("seq")


def _events(name: str, from_seq: int, batch_size: int, using: str) -> Iterator[tuple[int, int, tuple]]:
    seq = from_seq
    while True:
        rows = list(AuditEvent.objects.using(using).filter(chain=name, seq__gte=seq).order_by("seq")
                    .values_list(*audit._FETCHED)[:batch_size])
        if not rows:
            return
        for row in rows:
            yield row[_SEQ], 0, row
        if len(rows) < batch_size:
            return
        seq = rows[-1][_SEQ] + 1


def _tombstones(name: str, from_seq: int, batch_size: int, using: str) -> Iterator[tuple[int, int, tuple]]:
    seq = from_seq
    while True:
        rows = list(AuditTombstone.objects.using(using).filter(chain=name, seq__gte=seq).order_by("seq")
                    .values_list("seq", "prev_hash", "hash", "signature")[:batch_size])
        if not rows:
            return
        for row in rows:
            yield row[0], 1, row
        if len(rows) < batch_size:
            return
        seq = rows[-1][0] + 1


def _verify_chain(name: str, head: AuditChainHead | None, checkpoint: AuditCheckpoint | None, batch_size: int,
                  using: str, anchor: Anchor | None = None, expected: str = "") -> ChainResult:
    walk = ChainWalk(name, anchor, using)
    if checkpoint is not None:
        if not _signed_by_us(checkpoint_message(name, checkpoint.seq, checkpoint.hash), checkpoint.signature):
            walk.present = True
            return walk.result(Break(name, checkpoint.seq, None, "the pruning checkpoint is not signed by this "
                                                                 "installation (forged or altered)", "edited"))
        broken = walk.start_after(checkpoint.seq, checkpoint.hash)
        if broken is not None:
            return walk.result(broken)
    merged = heapq.merge(_events(name, walk.expected_seq, batch_size, using),
                         _tombstones(name, walk.expected_seq, batch_size, using), key=lambda item: (item[0], item[1]))
    for seq, kind, row in merged:
        if seq < walk.expected_seq:
            return walk.result(Break(name, seq, None, f"seq {seq} is both an event and a removed event", "edited"))
        if seq != walk.expected_seq:
            return walk.result(walk.missing(seq))
        if kind == 1:
            _seq, t_prev, t_hash, signature = row
            broken = walk.removed(seq, t_prev, t_hash,
                                  _signed_by_us(tombstone_message(name, seq, t_prev, t_hash), signature))
        else:
            broken = walk.event(row[0], row[1], dict(zip(audit._NAMES, row[2:], strict=True)))
        if broken is not None:
            return walk.result(broken)
    return walk.finish(head, expected)
