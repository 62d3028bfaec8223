"""A transfer as received, before it is accepted (OAIS: the Submission Information Package).

Plain data and plain checks that both receiving (``lantai.ingest``) and keeping
(``lantai.preservation``) read, so neither imports the other's internals (architecture §3):

* ``submission`` — :class:`~lantai.sip.submission.Submission`, its items and files, the
  catalogue field names;
* ``files`` — walking a transfer's folder safely (system files, unsafe names, links);
* ``formats`` — identifying a file's format by its content (magic numbers, not its name);
* ``errors`` — what stops receiving before a batch is judged (a full temp or store disk).
"""
