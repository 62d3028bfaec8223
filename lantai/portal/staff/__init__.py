"""Staff pages, one plug-in folder per feature (``portal/staff/<feature>/``): each is a small
Django app with its own views, urls, templates and static files, routed from ``lantai/urls.py``.

The apps below the portal (archive, access, ingest, search, audit) hold the work itself and no
pages; a feature folder here is the staff's way in, through the one access policy
(``lantai.archive.visibility``) and the staff decorator (``lantai.accounts.decorators``).
"""
