"""Who may see and do what: roles, the visibility policy, open review, redaction, watermarks."""
