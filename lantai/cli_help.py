"""The command list of ``lantai --help``, each summary read from the command's own ``help``.

Decision: the summaries are not a second list to keep in step. Every ``lantai`` command is a
``LantaiCommand`` subclass named ``Command`` in some app's ``management/commands/<name>.py``;
this module finds them and reads each ``help`` with :mod:`ast` — nothing is imported, so
``lantai --help`` needs no settings, no database and no data directory. A new command appears
by itself (after the ones in :data:`ORDER`), with the first sentence of its help text.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ORDER = ("demo", "serve", "worker", "fonds", "ingest", "fixity", "createuser", "audit", "review")


def commands() -> dict[str, str]:
    """``name → summary`` of every Lantai command, in :data:`ORDER` and then by name."""
    found = {}
    for path in sorted(PACKAGE.glob("**/management/commands/*.py")):
        help_text = _lantai_help(path)
        if help_text is not None:
            found[path.stem] = summary(help_text)
    ranked = sorted(found, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    return {name: found[name] for name in ranked}


def summary(help_text: str) -> str:
    """The help text's first sentence (up to "；" or "。"): write it to stand alone."""
    return re.split(r"[；。\n]", help_text.strip(), maxsplit=1)[0].strip()


def _lantai_help(path: Path) -> str | None:
    """The ``help`` of the file's ``class Command(LantaiCommand)``, or None for anything else."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if not (isinstance(node, ast.ClassDef) and node.name == "Command"):
            continue
        if not any(isinstance(b, ast.Name) and b.id == "LantaiCommand" for b in node.bases):
            return None
        for statement in node.body:
            if (
                isinstance(statement, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "help" for t in statement.targets)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            ):
                return statement.value.value
    return None
