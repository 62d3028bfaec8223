"""开放审核: the review queue, one record, decisions and masks (``/staff/review/``)."""
