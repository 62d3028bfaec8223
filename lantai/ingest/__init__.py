"""Receiving transfers (接收进馆).

The plain-Python core lives here and imports no Django: ``submission`` (what a parsed transfer
is), ``sources/`` (one reader per submission form), ``checks/`` (四性检测, one module per
property), ``aip`` (the package writer) and ``fixity``. The Django side (models, the batch
orchestration, the ``lantai ingest`` command) calls into them.
"""
