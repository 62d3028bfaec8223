"""Which source reads a path: the first of ``ORDER`` whose ``matches`` says yes.

Order matters: a zip or WARC file is recognised by its bytes, a bag by ``bagit.txt``, and a
folder by its catalogue, so a bag that happens to carry a 目录.csv is still read as a bag.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

ORDER = ("zip", "warc", "bagit", "folder")


def source_module(kind: str) -> ModuleType:
    return importlib.import_module(f"lantai.ingest.sources.{kind}")


def detect(path: Path, *, exclude: tuple[str, ...] = ()) -> ModuleType | None:
    """The source module that reads ``path``, or ``None`` when none recognises it."""
    for kind in ORDER:
        if kind in exclude:
            continue
        module = source_module(kind)
        if module.matches(path):
            return module
    return None
