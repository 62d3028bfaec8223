"""``python -m tests.faultinject ARGS``: ``lantai ARGS`` with the crash tests' kill switches.

The product names moments (``lantai.faultpoints.reached``) and never reads a fault setting;
this wrapper, used only by the tests' child processes (``tests/processes.run_lantai``), reads
them and SIGKILLs the process there:

- ``LANTAI_FAULT_KILL_AFTER=N``: once N items of an ingest are written, before that chunk
  commits (``ingest.chunk_written``);
- ``LANTAI_FAULT_KILL_AT=after-commit``: right after a batch is marked accepted, before its
  bags are published and indexed (``ingest.accepted``);
- ``LANTAI_FAULT_KILL_AT=version-written``: a new package version is in place on disk, before
  the transaction registering it commits (``package.version_written``).
"""

from __future__ import annotations

import os
import signal
import sys

from lantai import faultpoints

MOMENTS = {"after-commit": "ingest.accepted", "version-written": "package.version_written"}


def kill_at_the_chosen_moment(point: str, facts: dict) -> None:
    after = os.environ.get("LANTAI_FAULT_KILL_AFTER")
    if point == "ingest.chunk_written" and after and int(facts["written"]) >= int(after):
        os.kill(os.getpid(), signal.SIGKILL)
    if MOMENTS.get(os.environ.get("LANTAI_FAULT_KILL_AT", "")) == point:
        os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    faultpoints.install(kill_at_the_chosen_moment)
    from lantai.cli import main

    raise SystemExit(main(sys.argv[1:]))
