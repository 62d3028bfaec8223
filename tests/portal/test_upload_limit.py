"""An upload over the limit gets the portal's Chinese 413 before its body is sent — from the
test client, from waitress in-process (with and without ``Expect: 100-continue``, chunked) and
from ``lantai serve`` itself — and the upload form names the limit."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler

from lantai.runtime.waitress_limit import create_server
from tests.factories import verified_login
from tests.processes import free_port, lantai_environ, run_lantai

LIMIT = 4096
URL = "/staff/ingest/"


@pytest.fixture
def small_limit(settings, tmp_path):
    settings.UPLOAD_MAX_BYTES = LIMIT
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return LIMIT


def _multipart(size: int) -> tuple[bytes, str]:
    boundary = "lantai-boundary"
    head = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=package; filename=a.zip\r\n"
        "Content-Type: application/zip\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body = head + b"\0" * (size - len(head) - len(tail)) + tail
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_request_over_the_limit_gets_the_portals_413(client, small_limit):
    body, content_type = _multipart(LIMIT + 1)
    response = client.generic("POST", URL, body, content_type=content_type)
    assert response.status_code == 413
    page = response.content.decode().replace("\xa0", " ")  # filesizeformat keeps "4.0 KB" together
    assert "上传内容过大" in page and "单次上传上限为 4.0 KB" in page
    assert 'class="site"' in page  # the portal's frame, not a bare framework page


def test_the_413_speaks_english_when_the_browser_asks(client, small_limit):
    body, content_type = _multipart(LIMIT * 2)
    response = client.generic(
        "POST", URL, body, content_type=content_type, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 413
    assert "Upload too large" in response.content.decode()


def test_a_request_of_exactly_the_limit_is_not_refused(client, small_limit, db):
    body, content_type = _multipart(LIMIT)
    response = client.generic("POST", URL, body, content_type=content_type)
    assert response.status_code != 413


def test_the_upload_form_names_the_limit_and_checks_it_before_sending(client, archivist):
    verified_login(client, archivist)
    page = client.get(URL).content.decode().replace("\xa0", " ")
    assert "单次上传上限 2.0 GB" in page
    assert f'data-max-bytes="{2 * 1024**3}"' in page
    assert "/static/ingest/upload-limit.js" in page
    script = Path("lantai/portal/staff/ingest/static/ingest/upload-limit.js").read_text("utf-8")
    assert "dataset.maxBytes" in script and "preventDefault" in script


# --- waitress, in-process -------------------------------------------------------------------


@pytest.fixture
def waitress_port(small_limit, db):
    server = create_server(
        WSGIHandler(), upload_max_bytes=LIMIT, host="127.0.0.1", port=0, threads=2
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield server.effective_port
    server.close()
    server.task_dispatcher.shutdown(timeout=2)


def _exchange(port: int, request: bytes, *, wait: float = 3.0) -> bytes:
    """Send ``request`` (headers, maybe part of a body) and read what comes back."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(request)
        received = b""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            received += chunk
    return received


def _headers(length: int, *extra: str) -> bytes:
    lines = [
        f"POST {URL} HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: multipart/form-data; boundary=x",
        f"Content-Length: {length}",
        *extra,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _assert_portal_413(answer: bytes) -> None:
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"connection: close" in head.lower()
    assert "上传内容过大" in body.decode("utf-8", "replace")
    assert b"Request Entity Too Large" not in body


def test_waitress_answers_expect_100_continue_with_the_portals_413_instead(waitress_port):
    answer = _exchange(waitress_port, _headers(LIMIT * 100, "Expect: 100-continue"))
    assert b"100 Continue" not in answer
    _assert_portal_413(answer)


def test_waitress_answers_from_the_headers_without_waiting_for_the_body(waitress_port):
    answer = _exchange(waitress_port, _headers(50 * 1024**3))  # 50 GiB declared, none sent
    _assert_portal_413(answer)


def test_waitress_stops_a_chunked_body_at_the_limit(waitress_port):
    head = (
        f"POST {URL} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    chunk = b"%x\r\n%s\r\n" % (1024, b"\0" * 1024)
    # One chunk past the limit, then the client waits (more unread data would reset the socket).
    _assert_portal_413(_exchange(waitress_port, head + chunk * (LIMIT // 1024 + 1)))


def test_waitress_still_serves_requests_under_the_limit_and_its_own_errors(waitress_port):
    small = _exchange(waitress_port, _headers(10) + b"0123456789")
    assert small.startswith(b"HTTP/1.1 ") and not small.startswith(b"HTTP/1.1 413")
    garbage = _exchange(waitress_port, b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n")
    assert garbage.startswith(b"HTTP/1.1 400")


# --- lantai serve, end to end ----------------------------------------------------------------


@pytest.mark.timeout_sensitive
def test_lantai_serve_refuses_an_oversized_upload_before_the_body(tmp_path):
    data = tmp_path / "var"
    assert run_lantai(data, "fonds", "add", "J001", "测试全宗").returncode == 0
    port = free_port()
    environ = lantai_environ(data, LANTAI_UPLOAD_MAX_BYTES=str(1024 * 1024))
    serve = subprocess.Popen(
        [sys.executable, "-m", "lantai", "serve", "--port", str(port)],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "lantai serve did not start"
                time.sleep(0.2)
        answer = _exchange(port, _headers(1024 * 1024 + 1, "Expect: 100-continue"), wait=10)
        _assert_portal_413(answer)
        assert "单次上传上限为 1.0\xa0MB" in answer.decode("utf-8", "replace")
    finally:
        serve.terminate()
        serve.wait(timeout=30)
