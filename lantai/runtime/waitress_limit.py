"""waitress answers an oversized request with the portal's page, before the body is sent.

waitress checks ``Content-Length`` against ``max_request_body_size`` as soon as the headers are
parsed (a chunked body: as it arrives) and then answers with its own English ``413 Request
Entity Too Large``. This keeps that early check and changes only the answer:

- :class:`LimitedParser` clears ``Expect: 100-continue`` on a request already refused, so the
  client is told 413 instead of being invited to send the body (waitress would otherwise send
  ``100 Continue`` first: it checks the expectation after the request's error is set);
- :class:`LimitedErrorTask` hands a refused-for-size request to the application with no body and
  the environ marked (``lantai.request_too_large``), so
  :class:`lantai.portal.upload_limit.UploadLimitMiddleware` renders the portal's 413 page; every
  other error keeps waitress' answer. The connection is closed afterwards (the client may still
  be sending).

waitress refuses a body of ``max_request_body_size`` bytes or more, so the server is built with
the limit plus one: a request of exactly ``LANTAI_UPLOAD_MAX_BYTES`` is accepted.
"""

from __future__ import annotations

import io

import waitress
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer
from waitress.task import ErrorTask, WSGITask
from waitress.utilities import RequestEntityTooLarge

from lantai.portal.upload_limit import TOO_LARGE_KEY


class LimitedParser(HTTPRequestParser):
    def received(self, data: bytes) -> int:
        consumed = super().received(data)
        if self.error is not None:
            self.expect_continue = False  # refused already: do not ask for the body
        return consumed


class LimitedErrorTask(WSGITask):
    """The application's answer to a request refused for its size."""

    def execute(self) -> None:
        self.set_close_on_finish()
        super().execute()

    def get_environment(self) -> dict:
        environ = super().get_environment()
        environ["wsgi.input"] = io.BytesIO()
        environ[TOO_LARGE_KEY] = True
        return environ


def _error_task(channel: HTTPChannel, request: HTTPRequestParser) -> ErrorTask | WSGITask:
    if isinstance(request.error, RequestEntityTooLarge):
        return LimitedErrorTask(channel, request)
    return ErrorTask(channel, request)  # waitress' own answer to a malformed request


class LimitedChannel(HTTPChannel):
    parser_class = LimitedParser
    error_task_class = staticmethod(_error_task)


def create_server(application, *, upload_max_bytes: int, **adjustments):
    """``waitress.create_server`` with the portal's answer to an oversized request."""
    server = waitress.create_server(
        application, max_request_body_size=upload_max_bytes + 1, **adjustments
    )
    listeners = [server] if isinstance(server, BaseWSGIServer) else list(server.map.values())
    for listener in listeners:
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = LimitedChannel
    return server
