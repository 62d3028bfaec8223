"""A transfer batch's identity, and what a re-run of an already received batch answers.

Identity = SHA-256 over the sorted ``(relative name, SHA-256 of the file)`` pairs of every file
of the submission, the catalogue and 说明文件 included, so re-submitting the same content gives
the same identity whatever the path it arrives from. The agency's transfer number
(``移交批次号：…`` in the 说明文件, ``External-Identifier`` of a catalogue bag, see
``sources``) is kept beside it: the same number with different content is refused, naming the
earlier batch, because one transfer cannot have two contents.

Decision: a re-run of an accepted batch changes nothing and records no audit event (the audit
chain records changes to the holdings; a repeat is none). A returned batch is checked again.
"""

from __future__ import annotations

import hashlib

from lantai.archive.models import Fonds, TransferBatch
from lantai.preservation.fixity import digest_files
from lantai.preservation.hashing import hash_file
from lantai.search import outbox
from lantai.sip.submission import Submission, SubmittedFile


def _capture_digest(submitted: SubmittedFile) -> str:
    try:
        return hash_file(submitted.path, ["sha256"])[0]["sha256"]
    except OSError:
        return ""


def batch_identity(submission: Submission) -> str:
    """The digests come from :func:`fixity.digest_files`, the pass the checks reuse (every
    algorithm they need, once per file); an unreadable file counts with an empty digest."""
    digest_files(submission)
    files = [*submission.files, *submission.support_files]
    pairs = {(f.name, f.computed.get("sha256", "")) for f in files}
    pairs |= {(c.name, _capture_digest(c)) for i in submission.items for c in i.captures}
    sha = hashlib.sha256()
    for name, digest in sorted(pairs):
        sha.update(name.encode("utf-8") + b"\0" + digest.encode("ascii") + b"\n")
    return sha.hexdigest()


def transfer_number(submission: Submission) -> str:
    return str(submission.declared.get("transfer_number", "") or "").strip()[:100]


class TransferNumberConflict(Exception):
    """The agency's transfer number was received before with other content (message in Chinese)."""


def earlier_accepted(fonds: Fonds, identity: str, number: str) -> TransferBatch | None:
    """The accepted batch this submission repeats, or None; raise on a number reused with
    different content."""
    accepted = TransferBatch.objects.filter(fonds=fonds, state="accepted")
    same = accepted.filter(identity=identity).order_by("created_at").first()
    if same is not None:
        outbox.schedule_pending()  # a crash after it was accepted may have left rows unindexed
        return same
    if number:
        other = accepted.filter(transfer_number=number).order_by("created_at").first()
        if other is not None:
            raise TransferNumberConflict(
                f"移交批次号「{number}」已于批次 {other.code} 接收入库，但本次提交的内容与之不同："
                "同一移交批次不能有两种内容。如为补交或更正，请使用新的移交批次号"
            )
    return None
