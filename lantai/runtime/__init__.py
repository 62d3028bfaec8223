"""Running Lantai: the production server, its supervised task worker, the demo.

``lantai serve`` (waitress, with the portal's answer to an oversized request, and one
supervised ``lantai worker``), ``lantai worker`` and ``lantai demo`` live here, with
``/healthz``, which reports on them. This is the top of the house: it runs the WSGI
application the portal is part of, and nothing below imports it.
"""
