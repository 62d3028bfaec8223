"""Receiving transfers (接收进馆).

The plain-Python core lives here and imports no Django: ``submission`` (what a parsed transfer
is), ``sources/`` (one reader per submission form) and ``checks/`` (四性检测, one module per
property). The Django side (the batch orchestration, rollback and recovery, task leases, the
``lantai ingest`` command) calls into them and into ``lantai.preservation``, which packages
and stores what is accepted.
"""
