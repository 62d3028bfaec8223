"""Describing and arranging records (著录、整理): the work behind the staff item pages.

Below the portal, above the archive, the audit log and the search outbox: every change here is
planned, shown, applied through the access policy and audited (architecture §8).
"""
