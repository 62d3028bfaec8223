"""Typed helpers that read ``LANTAI_*`` environment variables for the settings module.

Every helper rejects a bad value with :class:`SettingError`, whose message names the variable,
the value, what is allowed and what to do; the ``lantai`` command prints that one line instead of
a traceback. Plain Python so it can be tested without Django.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f"}


class SettingError(ValueError):
    """A ``LANTAI_*`` variable holds a value Lantai cannot use."""


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    value = (os.environ if environ is None else environ).get(name)
    return None if value is None or value.strip() == "" else value.strip()


def env_str(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise SettingError(f"{name}={value!r} 无效：应为 true 或 false（也可用 1/0、yes/no、on/off）")


def _check_range(
    name: str,
    value: str,
    number: float,
    minimum: float | None,
    maximum: float | None,
) -> None:
    """Refuse NaN and a number outside ``minimum``…``maximum`` (either may be None)."""
    if (
        number != number
        or (minimum is not None and number < minimum)
        or (maximum is not None and number > maximum)
    ):
        low = "" if minimum is None else _shown(minimum)
        high = "" if maximum is None else _shown(maximum)
        raise SettingError(f"{name}={value!r} 超出范围：应在 {low}…{high} 之间")


def _shown(number: float) -> str:
    return f"{number:g}" if isinstance(number, float) else str(number)


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingError(f"{name}={value!r} 无效：应为整数") from None
    _check_range(name, value, number, minimum, maximum)
    return number


def env_float(
    name: str,
    default: float,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    environ: Mapping[str, str] | None = None,
) -> float:
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise SettingError(f"{name}={value!r} 无效：应为数字（如 120 或 0.5）") from None
    _check_range(name, value, number, minimum, maximum)
    return number


def env_choice(
    name: str, default: str, choices: Iterable[str], environ: Mapping[str, str] | None = None
) -> str:
    allowed = list(choices)
    value = _raw(name, environ)
    if value is None:
        return default
    if value not in allowed:
        raise SettingError(f"{name}={value!r} 无效：可选值为 " + "、".join(allowed))
    return value


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [part.strip() for part in value.split(",") if part.strip()]


def env_mapping_int(
    name: str, default: dict[str, int], environ: Mapping[str, str] | None = None
) -> dict[str, int]:
    """``KEY:number`` pairs separated by commas, e.g. ``RS:50,KJ:30``."""
    value = _raw(name, environ)
    if value is None:
        return dict(default)
    mapping = {}
    for pair in value.split(","):
        key, _, number = pair.partition(":")
        if not key.strip() or not number.strip().isdigit():
            raise SettingError(f"{name}={value!r} 无效：应为 键:年数，逗号分隔，如 RS:50,KJ:30")
        mapping[key.strip().upper()] = int(number)
    return mapping


def require_virus_check(environ: Mapping[str, str] | None = None) -> bool:
    """``LANTAI_REQUIRE_VIRUS_CHECK`` (default false): when true, a batch whose virus checks
    (DA/T 70 4-1/4-2) could not be performed — no ClamAV — is returned instead of accepted.
    Read when a batch is received, not at start-up, so a running server picks up a change."""
    return env_bool("LANTAI_REQUIRE_VIRUS_CHECK", False, environ)


def env_dir(name: str, default: str, environ: Mapping[str, str] | None = None) -> Path:
    """A directory Lantai may write to; created (with parents) when missing."""
    path = Path(env_str(name, default, environ)).expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SettingError(
            f"{name}={str(path)!r} 无法创建：{error.strerror}。请改用一个可写的目录"
        ) from None
    if not os.access(path, os.W_OK):
        raise SettingError(f"{name}={str(path)!r} 不可写：请改用一个可写的目录")
    return path


def env_database(
    name: str, default_sqlite_path: Path, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``sqlite:///path`` (default: the data dir) or ``postgres://user@host:port/db``."""
    import dj_database_url

    value = _raw(name, environ)
    timeout = env_int("LANTAI_SQLITE_TIMEOUT", 30, minimum=1, maximum=3600, environ=environ)
    if value is None:
        return sqlite_database(default_sqlite_path, timeout)
    scheme = value.split("://", 1)[0].lower() if "://" in value else ""
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise SettingError(
            f"{name} 无效：{mask_password(value)!r} 不是数据库地址。"
            "应为 postgres://用户@主机:端口/库名 或 sqlite:///文件路径"
        )
    if scheme == "sqlite":
        path = Path(value.split("://", 1)[1].removeprefix("/")).resolve()
        return sqlite_database(path, timeout)
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except ValueError as error:
        raise SettingError(f"{name} 无效：{mask_password(value)!r}（{error}）") from None
    if not config.get("NAME"):
        raise SettingError(f"{name} 缺少库名：应为 postgres://用户@主机:端口/库名")
    return dict(config)


def sqlite_database(path: Path, timeout: int = 30) -> dict[str, Any]:
    """SQLite tuned for a small archive: WAL, IMMEDIATE writes (no upgrade deadlocks).

    ``timeout`` (``LANTAI_SQLITE_TIMEOUT``, seconds) is the busy timeout: a connection that
    finds the database locked by another writer waits that long before "database is locked".
    Django hands it to ``sqlite3.connect``; with ``transaction_mode="IMMEDIATE"`` a writing
    transaction takes the lock at ``BEGIN``, where the wait applies, instead of upgrading a
    read snapshot later (an upgrade from a stale snapshot fails at once, without waiting).
    Readers in WAL mode never wait for writers; a long read must still not hold a cursor open
    across its own writes (see ``lantai fixity``).
    """
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": timeout,
        },
    }


def mask_password(url: str) -> str:
    """Hide the password in a database URL before showing it to anyone."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    if ":" in credentials:
        credentials = credentials.split(":", 1)[0] + ":***"
    return f"{scheme}://{credentials}@{host}"


def unpack_limit_bytes(environ: Mapping[str, str] | None = None) -> int:
    """``LANTAI_UNPACK_LIMIT_BYTES``: the most a zip may declare uncompressed (default 50 GiB)."""
    return env_int("LANTAI_UNPACK_LIMIT_BYTES", 50 * 1024**3, minimum=1, environ=environ)
