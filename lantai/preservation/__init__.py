"""Keeping what was received safe for decades (长期保存): the store and its layout (``storage``),
the BagIt package writer (``aip``) with durable writes (``durable``) and streaming digests
(``hashing``, SHA-256 and SM3), storage names that fit any file system (``names``), whole-bag
validation (``bagcheck``), fixity over the store (``fixity``, ``storefixity``,
``lantai fixity``), and package versions (``versions``).

Plain Python except the Django side of versions — their models, the outbox that says which
records changed (``packages``), the agreement check (``agreement``) — and the ``lantai fixity``
and ``lantai aip`` commands. It writes and checks what ingest received: it reads ingest's plain
data types (``lantai.sip.submission``, ``files``, the format identification of
``checks.formats``) and ingest's orchestration (``lantai.ingest.batch``, ``rollback``) calls
it. See architecture §9.
"""
