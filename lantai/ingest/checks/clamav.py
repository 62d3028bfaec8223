"""A minimal clamd client: PING/VERSION and INSTREAM over a Unix socket or TCP.

Design decisions: no python-clamd dependency (unmaintained); the protocol is three commands.
Files are streamed in 1 MiB chunks (clamd's StreamMaxLength applies; a file over it comes back
as ``INSTREAM size limit exceeded``, reported as a scan error, never as clean). When no clamd
answers, the caller reports the items as *not performed*.
"""

from __future__ import annotations

import socket
import struct
from pathlib import Path

SOCKETS = ("/run/clamav/clamd.ctl", "/var/run/clamav/clamd.ctl", "/tmp/clamd.socket")
CHUNK = 1024 * 1024
TIMEOUT = 30.0


def _connect(address: str) -> socket.socket:
    if ":" in address and not address.startswith("/"):
        host, port = address.rsplit(":", 1)
        return socket.create_connection((host, int(port)), timeout=TIMEOUT)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(TIMEOUT)
    sock.connect(address)
    return sock


def _command(address: str, command: bytes) -> str:
    with _connect(address) as sock:
        sock.sendall(b"z" + command + b"\0")
        return _reply(sock)


def _reply(sock: socket.socket) -> str:
    chunks = []
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            break
        chunks.append(chunk)
        if chunk.endswith(b"\0"):
            break
    return b"".join(chunks).rstrip(b"\0").decode("utf-8", "replace").strip()


def find(address: str | None = None) -> tuple[str, str] | None:
    """(address, version) of a clamd that answers PING, or ``None``."""
    for candidate in [address] if address else SOCKETS:
        try:
            if _command(candidate, b"PING") == "PONG":
                return candidate, _command(candidate, b"VERSION")
        except OSError:
            continue
    return None


def scan(address: str, path: Path) -> str | None:
    """``None`` when clean, else clamd's finding (``Eicar-Signature FOUND``) or error."""
    with _connect(address) as sock, open(path, "rb") as stream:
        sock.sendall(b"zINSTREAM\0")
        while chunk := stream.read(CHUNK):
            sock.sendall(struct.pack(">I", len(chunk)) + chunk)
        sock.sendall(struct.pack(">I", 0))
        answer = _reply(sock)
    verdict = answer.partition(": ")[2] or answer
    return None if verdict == "OK" else verdict
