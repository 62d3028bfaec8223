"""Fixtures for the ingest tests (builders live in ``tests/ingest/builders.py``)."""

from tests.ingest.builders import make_folder, shared_data

__all__ = ["make_folder", "shared_data"]
