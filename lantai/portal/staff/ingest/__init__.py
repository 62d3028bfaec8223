"""接收进馆: upload a transfer, follow its task, read the 四性检测 report (``/staff/ingest/``)."""
