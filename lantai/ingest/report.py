"""What one ingest reports (``ingest --json``, architecture §6) and its user-facing error;
kept apart from ``batch`` so the receiving flow stays one readable module."""

from __future__ import annotations

from dataclasses import dataclass, field

from lantai.sip.errors import IngestError  # noqa: F401 (re-exported)


@dataclass
class IngestReport:
    """What ``ingest --json`` prints (architecture §6): ``batch``, ``status``, ``items``, ``files``,
    ``bytes``, ``checks`` and, when accepted, ``records``; plus ``fonds``, ``warnings``,
    ``check_only`` and ``would_accept``.

    ``status`` is ``accepted`` or ``returned`` for a real run. A ``--check-only`` run registers
    nothing (``batch`` is null): it says ``returned`` when the submission *would* be returned,
    so scripts and the exit code treat it as the failure it is, and ``checked`` when it would be
    accepted — not ``accepted``, because nothing was received. ``would_accept`` answers the
    question directly in both modes.
    """

    status: str  # accepted | returned | checked (--check-only, would be accepted)
    fonds: str
    batch: str | None = None
    items: int = 0
    files: int = 0
    bytes: int = 0
    checks: list[dict] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    check_only: bool = False
    would_accept: bool = False
    already_received: bool = False  # a re-run of an accepted batch: nothing was changed

    def as_json(self) -> dict:
        return {
            "already_received": self.already_received,
            "batch": self.batch,
            "status": self.status,
            "fonds": self.fonds,
            "items": self.items,
            "files": self.files,
            "bytes": self.bytes,
            "checks": self.checks,
            "records": self.records,
            "warnings": self.warnings,
            "check_only": self.check_only,
            "would_accept": self.would_accept,
        }
