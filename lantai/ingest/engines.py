"""Optional engines, reported at start-up (Django system checks, paperless-style).

Everything the running system imports is a base dependency; the engines below are optional and
imported lazily where they are used. When one is missing the system still runs, and says so once,
in one line, when ``lantai serve``/``demo``/``worker`` start and in ``lantai check``:

- OCR (``rapidocr`` + ``onnxruntime``, or ``tesserocr``): without one, scans and photographs get
  no text (the pipeline records why) and cannot be found by their content.
- ClamAV (a ``clamd`` socket): without it 四性检测 4-1/4-2 are reported "not performed".

Presence is found with ``importlib.util.find_spec`` (no import: loading onnxruntime takes
seconds and memory the web process does not need), and clamd by its PING.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from django.core import checks

from lantai.env import env_str

TAG = "lantai_engines"


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def ocr_engines() -> list[str]:
    """The OCR engines installed here, preferred first (same order as ``lantai.text.ocr``)."""
    engines = []
    if _installed("rapidocr") and _installed("onnxruntime"):
        engines.append("rapidocr")
    if _installed("tesserocr"):
        engines.append("tesseract")
    return engines


@checks.register(TAG)
def check_ocr(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if ocr_engines():
        return []
    return [
        checks.Info(
            "未安装 OCR 引擎：扫描件和照片不做文字识别，只能按著录项检索"
            "（安装：pip install 'lantai[ocr]'）",
            id="lantai.I001",
        )
    ]


@checks.register(TAG)
def check_clamav(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from lantai.ingest.checks import clamav

    if clamav.find(env_str("LANTAI_CLAMD", "") or None) is not None:
        return []
    return [
        checks.Info(
            "未连接 ClamAV（clamd）：四性检测 4-1/4-2 病毒检查记为“未检测”"
            "（安装：apt-get install clamav-daemon）",
            id="lantai.I002",
        )
    ]


def startup_lines() -> list[str]:
    """One line per missing engine, for the start-up banner of serve/demo/worker."""
    return [message.msg for message in checks.run_checks(tags=[TAG])]
