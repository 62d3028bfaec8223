"""The auditor's pages: read the audit log, check a recorded value, verify the chain."""
