"""Lantai 兰台 — an open-source digital archive system for Chinese archives."""

__version__ = "0.1.0"
