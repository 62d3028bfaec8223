"""Portal tests receive transfers too: share the ingest builders' ``make_folder`` fixture."""

from tests.ingest.builders import make_folder

__all__ = ["make_folder"]
