"""Preservation tests package received transfers: the ingest builders' ``make_folder``."""

from tests.ingest.builders import make_folder

__all__ = ["make_folder"]
