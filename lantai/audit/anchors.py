"""Anchors of the audit chain outside the table it guards.

A hash chain proves that no row inside it was changed, but not that its tail — or all of it —
is still there: whoever can delete rows can also move the chain head back. So the head is also
written where a database user cannot rewrite it, and :mod:`lantai.audit.verify` checks that the
chain still reaches every anchor.

Decisions:

- **A signed checkpoint file** (``LANTAI_DATA_DIR/audit/checkpoints.jsonl``): after every commit
  that appended events, one line ``{"seq", "hash", "at", "mac"}`` with the committed head. The
  mac is an HMAC keyed by ``SECRET_KEY`` (salt ``lantai.audit.checkpoint``;
  ``SECRET_KEY_FALLBACKS`` still verify after a rotation), so a line cannot be forged from the
  database or the file alone. Lines are appended (``O_APPEND`` under ``flock``, mode 0600) and
  never rewritten. Writing runs after the commit: a failure warns and loses only that anchor,
  never the change.
- **The head in every package** (``Lantai-Audit-Head: <seq> <hash>`` in ``bag-info.txt``): the
  committed head when the bag was written, read without the head's lock (a bag takes seconds to
  write; staff edits must not wait for it).
- **The records themselves**: every item has at least its creation or ingest event, so an
  emptied log is found from the items it no longer explains (see the verifier).
"""

from __future__ import annotations

import fcntl
import hmac
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils.crypto import salted_hmac

from lantai.audit.models import GENESIS, ChainHead

logger = logging.getLogger(__name__)

KEY_SALT = "lantai.audit.checkpoint"
BAG_INFO_KEY = "Lantai-Audit-Head"

_written: dict[str, int] = {}  # checkpoint file → highest seq this process wrote there


@dataclass(frozen=True)
class Anchor:
    """A place outside the table that recorded the chain's head as ``seq``/``hash``."""

    seq: int
    hash: str
    where: str


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINTS)


def current_head() -> tuple[int, str]:
    """The committed head, read without locking it."""
    head = ChainHead.objects.filter(pk=1).values_list("last_seq", "last_hash").first()
    return (head[0], head[1]) if head else (0, GENESIS)


def bag_info_head() -> dict[str, str]:
    """The ``bag-info.txt`` line that anchors a package written now."""
    seq, digest = current_head()
    return {BAG_INFO_KEY: f"{seq} {digest}"}


def parse_bag_info_head(value: str) -> tuple[int, str] | None:
    parts = value.split()
    if len(parts) != 2 or not parts[0].isdigit() or len(parts[1]) != 64:
        return None
    return int(parts[0]), parts[1]


def _mac(seq: int, digest: str, at: str, secret: str) -> str:
    message = f"{seq}\x1f{digest}\x1f{at}"
    return salted_hmac(KEY_SALT, message, secret=secret, algorithm="sha256").hexdigest()


def signature_valid(seq: int, digest: str, at: str, mac: str) -> bool:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(hmac.compare_digest(_mac(seq, digest, at, s), mac) for s in secrets)


class _AfterCommit:
    """The checkpoint one transaction registered; ``done`` once it ran."""

    done = False

    def __call__(self) -> None:
        self.done = True
        write_checkpoint()


def checkpoint_after_commit() -> None:
    """Write a checkpoint once the current transaction commits: registered once per
    transaction however many events it appends, and again if a rolled-back savepoint
    discarded the registration."""
    connection = transaction.get_connection()
    pending = getattr(connection, "_lantai_checkpoint", None)
    if (
        pending is not None
        and not pending.done
        and any(entry[1] is pending for entry in reversed(connection.run_on_commit))
    ):
        return
    pending = _AfterCommit()
    connection._lantai_checkpoint = pending
    transaction.on_commit(pending)


def write_checkpoint() -> None:
    """Append the committed head to the checkpoint file; a failure only warns."""
    path = checkpoint_path()
    try:
        seq, digest = current_head()
        if seq == 0 or _written.get(str(path), 0) >= seq:
            return
        at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        line = {
            "seq": seq,
            "hash": digest,
            "at": at,
            "mac": _mac(seq, digest, at, settings.SECRET_KEY),
        }
        _append(path, json.dumps(line, separators=(",", ":")) + "\n")
        _written[str(path)] = seq
    except (OSError, DatabaseError) as error:
        logger.warning(
            "审计检查点未能写入 %s：%s（这次的操作已保存，只少了一个外部锚点）", path, error
        )


def _append(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, text.encode("ascii"))
    finally:
        os.close(fd)  # closing releases the lock


@dataclass(frozen=True)
class BadLine:
    line: int
    problem: str


def read_checkpoints(path: Path | None = None) -> Iterator[Anchor | BadLine]:
    """The checkpoints in the file, one per line, or what is wrong with a line."""
    path = path or checkpoint_path()
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                entry = json.loads(raw)
                seq, digest, at, mac = entry["seq"], entry["hash"], entry["at"], entry["mac"]
                if not isinstance(seq, int) or not all(
                    isinstance(v, str) for v in (digest, at, mac)
                ):
                    raise TypeError
            except (ValueError, KeyError, TypeError):
                yield BadLine(number, "无法解析")
                continue
            if not signature_valid(seq, digest, at, mac):
                yield BadLine(number, "签名不符（被伪造或改动）")
                continue
            yield Anchor(seq, digest, f"检查点文件第 {number} 行（{at}）")
