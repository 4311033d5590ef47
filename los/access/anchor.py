"""The anchor: the heads of the audit chains, copied on a schedule to an append-only file outside the database.

The head of a chain lives in the same database as its events, so someone who can write to the database can cut
a chain short and move its head back, or delete a chain with its head, and the chain alone still looks whole.
The anchor is the outside witness. ``manage.py audit_anchor`` (from a timer; or the task
:func:`los.access.tasks.write_audit_anchor`) appends one line per chain whose head moved since its last line::

    <time, UTC>  <chain>  <seq>  <head hash>  <key id>  <HMAC-SHA256 of the line>

separated by tabs, the HMAC made with the audit key (:mod:`los.access.audit_keys`) over
``los-audit-anchor-v1`` and the first five fields, so a line cannot be forged or altered without the key.
``manage.py audit_verify`` reads the file (:func:`read`) and checks every chain against the last line that
names it: a chain that ends before the anchored ``seq`` was truncated, a chain missing whole was deleted, a
chain whose hash at the anchored ``seq`` differs was recomputed. A line that names a chain with a lower ``seq``
than an earlier line shows a truncation between two runs.

The file must be where the database's users and administrators cannot write: another disk or host, with the
append-only attribute (``chattr +a``), or sent on to a log host (``--file -`` writes the lines to standard output).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from los.access import audit, audit_keys
from los.access.audit import Anchor, Break
from los.access.models import AuditChainHead

FORMAT = "los-audit-anchor-v1"


def _message(at: str, chain: str, seq: int, hash_: str, key_id: str) -> bytes:
    return "\t".join((FORMAT, at, chain, str(seq), hash_, key_id)).encode()


def line(at: str, chain: str, seq: int, hash_: str, key: audit_keys.AuditKey | None = None) -> str:
    """One anchor line (with its newline), signed with ``key`` (default: the current audit key)."""
    key = key or audit_keys.current_key()
    mac = key.hexdigest(_message(at, chain, seq, hash_, key.key_id))
    return "\t".join((at, chain, str(seq), hash_, key.key_id, mac)) + "\n"


@dataclass
class AnchorFile:
    """What the anchor files say: the last anchor of each chain, and what is wrong with the files themselves."""

    anchors: dict[str, Anchor] = field(default_factory=dict)
    problems: list[Break] = field(default_factory=list)
    lines: int = 0
    paths: list[str] = field(default_factory=list)


def read(paths: Iterable[str | Path]) -> AnchorFile:
    """Read and check anchor files, in the order given (older files first)."""
    found = AnchorFile()
    keys: dict[str, audit_keys.AuditKey | None] = {}
    latest: dict[str, Anchor] = {}  # the line last written for each chain, in file order
    for path in paths:
        path = Path(path)
        found.paths.append(str(path))
        try:
            handle = path.open(encoding="utf-8")
        except OSError as exc:
            found.problems.append(Break("anchor", 0, None, f"the anchor file {path} cannot be read ({exc.strerror})",
                                        "anchor"))
            continue
        with handle:
            for number, text in enumerate(handle, start=1):
                text = text.rstrip("\n")
                if not text.strip():
                    continue
                where = f"line {number} of the anchor file {path}"
                parts = text.split("\t")
                if len(parts) != 6 or not parts[2].isdigit():
                    found.problems.append(Break("anchor", number, None, f"{where} is not an anchor line (altered?)",
                                                "anchor"))
                    continue
                at, chain, seq_text, hash_, key_id, mac = parts
                if key_id not in keys:
                    keys[key_id] = audit_keys.key(key_id)
                key = keys[key_id]
                if key is None:
                    found.problems.append(Break("anchor", number, None, f"{where} is signed with the audit key "
                                                f"'{key_id}', which this installation does not have", "anchor"))
                    continue
                if key.hexdigest(_message(at, chain, int(seq_text), hash_, key_id)) != mac:
                    found.problems.append(Break("anchor", number, None, f"{where} does not match its HMAC: it was "
                                                "altered or forged", "anchor"))
                    continue
                found.lines += 1
                anchor = Anchor(chain, int(seq_text), hash_, at)
                before = latest.get(chain)
                if before is not None and anchor.seq < before.seq:
                    found.problems.append(Break(chain, anchor.seq + 1, None,
                                                f"the anchor saw the chain at seq {before.seq} on {before.at}, and "
                                                f"later at seq {anchor.seq} on {anchor.at}: it was cut short "
                                                "between the two (truncated)", "truncated"))
                if before is not None and anchor.seq == before.seq and anchor.hash != before.hash:
                    found.problems.append(Break(chain, anchor.seq, None,
                                                f"the anchor saw two different hashes at seq {anchor.seq} (on "
                                                f"{before.at} and on {anchor.at}): the chain was recomputed "
                                                "between the two", "recomputed"))
                latest[chain] = anchor
                kept = found.anchors.get(chain)
                if kept is None or anchor.seq >= kept.seq:
                    found.anchors[chain] = anchor
    return found


def _last_lines(path: Path) -> dict[str, tuple[int, str]]:
    """The last (seq, hash) the file records for each chain, read without checking (for skipping unchanged
    chains only; :func:`read` checks)."""
    last: dict[str, tuple[int, str]] = {}
    try:
        with path.open(encoding="utf-8") as handle:
            for text in handle:
                parts = text.rstrip("\n").split("\t")
                if len(parts) == 6 and parts[2].isdigit():
                    last[parts[1]] = (int(parts[2]), parts[3])
    except FileNotFoundError:
        pass
    return last


@dataclass
class Written:
    lines: list[str]
    chains: int
    sealed: list[str]
    announced: list[str]


def write(path: str | Path | None, *, all_chains: bool = False) -> Written:
    """Seal and announce chains from before keyed chains (:func:`los.access.audit.seal_and_announce`), then append
    a line for every chain whose head moved since the file's last line for it (every chain with ``all_chains``).
    ``path`` ``"-"`` or None: only return the lines. The append is one write under an exclusive lock, flushed to
    disk."""
    sealed, announced = audit.seal_and_announce()
    heads = list(AuditChainHead.objects.order_by("chain").values_list("chain", "seq", "hash"))
    target = Path(path) if path not in (None, "-") else None
    last = _last_lines(target) if target is not None and not all_chains else {}
    at = audit._timestamp(timezone.now())
    key = audit_keys.current_key()
    lines = [line(at, chain, seq, hash_, key) for chain, seq, hash_ in audit._sorted_heads(heads)
             if last.get(chain) != (seq, hash_)]
    if target is not None and lines:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.write("".join(lines))
            handle.flush()
            os.fsync(handle.fileno())
    return Written(lines, len(heads), sealed, announced)
