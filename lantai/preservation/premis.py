"""PREMIS-style events a bag records in its ``metadata.json`` (architecture §9).

Ingest hands the 四性检测 outcome over as validation events (:func:`check_events`); the bag
writer adds its own packaging event. Items not performed are recorded as ``not performed``,
never as ``success``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol


def now() -> str:
    """The moment of an event, as PREMIS records it (UTC, to the second)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def packaging_event(moment: str) -> dict[str, str]:
    return {
        "eventType": "message digest calculation",
        "eventDateTime": moment,
        "eventOutcome": "success",
        "eventDetail": "复制原始文件并计算 SHA-256 与 SM3 摘要，写入 BagIt 清单",
        "linkingAgent": "Lantai aip writer",
    }


def premis_event(event_type: str, outcome: str, detail: str, agent: str) -> dict[str, str]:
    """A PREMIS-style event dict for ``write_aip(events=…)``."""
    return {
        "eventType": event_type,
        "eventDateTime": now(),
        "eventOutcome": outcome,
        "eventDetail": detail,
        "linkingAgent": agent,
    }


class CheckOutcome(Protocol):
    """What a PREMIS validation event needs of a 四性检测 result (ingest's ``CheckResult``)."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def passed(self) -> bool | None: ...
    @property
    def detail(self) -> str: ...


def check_events(
    results: Sequence[CheckOutcome], agent: str = "Lantai 四性检测"
) -> list[dict[str, str]]:
    """PREMIS events from 四性检测 results (``CheckResult``), one per item, for ``write_aip``.

    Items not performed are recorded with outcome ``not performed``, never ``success``.
    """
    outcomes = {True: "success", False: "failure", None: "not performed"}
    return [
        premis_event("validation", outcomes[r.passed], f"{r.code} {r.name}：{r.detail}", agent)
        for r in results
    ]
