"""File names as stored in an AIP: every derived name fits the file system's 255-byte limit.

A received file may be named up to 255 bytes (UTF-8: 85 Chinese characters), and the bag
derives names from it (``data/text/<name>.txt``), so a 253-byte name that passed every check
used to crash the ingest when the text file was written. Decisions:

- :func:`storage_name` keeps a name (plus a derived suffix) whole when it fits in
  :data:`NAME_MAX` bytes; otherwise it cuts the stem on a UTF-8 character boundary and appends
  ``~`` and 8 hex digits of the SHA-256 of the full name, then the extension and the suffix.
  The same name always gives the same storage name; two long names differing only at the end
  still differ. The original name is kept, whole, in the component record and metadata.json.
- :func:`storage_path` does this per path component (sub-folders are kept).
- 4-8 warns (it does not fail) when a name had to be shortened, and fails when a path is too
  long to store at all (over :data:`PATH_MAX` bytes, leaving room for the data directory below
  the system's 4096): the transferring unit is asked to rename.
"""

from __future__ import annotations

import hashlib

NAME_MAX = 255
PATH_MAX = 3000
TEXT_SUFFIX = ".txt"  # the longest suffix the AIP derives from an original's name
_EXT_MAX = 16  # bytes of an extension kept on a shortened name


def _split(name: str) -> tuple[str, str]:
    dot = name.rfind(".")
    if dot <= 0 or len(name[dot:].encode()) > _EXT_MAX:
        return name, ""
    return name[:dot], name[dot:]


def storage_name(name: str, suffix: str = "") -> str:
    """``name + suffix`` if it fits in 255 bytes, else a shortened, unique, stable form."""
    if len((name + suffix).encode()) <= NAME_MAX:
        return name + suffix
    stem, ext = _split(name)
    tail = "~" + hashlib.sha256(name.encode()).hexdigest()[:8] + ext + suffix
    room = NAME_MAX - len(tail.encode())
    cut = stem.encode()[: max(room, 0)].decode("utf-8", "ignore")
    return cut + tail


def storage_path(relative: str, suffix: str = "") -> str:
    """Each ``/`` component through :func:`storage_name`; ``suffix`` goes on the last one."""
    *folders, last = relative.split("/")
    return "/".join([*(storage_name(p) for p in folders), storage_name(last, suffix)])


def shortened(relative: str) -> bool:
    """Would storing this name, or its extracted text beside it, shorten a component?"""
    return storage_path(relative, TEXT_SUFFIX) != relative + TEXT_SUFFIX


def too_long(relative: str) -> bool:
    return len(relative.encode()) > PATH_MAX
