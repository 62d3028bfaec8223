"""The audit log: an append-only, hash-chained record of every action (PREMIS-style events)."""
