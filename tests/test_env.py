"""The typed LANTAI_* helpers reject bad values with a message naming variable and fix."""

from __future__ import annotations

import pytest

from lantai.env import (
    SettingError,
    env_bool,
    env_choice,
    env_database,
    env_dir,
    env_int,
    mask_password,
)


def test_bool_accepts_common_spellings():
    assert env_bool("X", False, {"X": "yes"}) is True
    assert env_bool("X", True, {"X": "0"}) is False
    assert env_bool("X", True, {}) is True


def test_bool_rejects_nonsense_naming_the_variable():
    with pytest.raises(SettingError, match="LANTAI_DEBUG='maybe'"):
        env_bool("LANTAI_DEBUG", False, {"LANTAI_DEBUG": "maybe"})


def test_int_rejects_text_and_out_of_range_values():
    with pytest.raises(SettingError, match="应为整数"):
        env_int("LANTAI_OPEN_AFTER_YEARS", 25, environ={"LANTAI_OPEN_AFTER_YEARS": "twenty"})
    with pytest.raises(SettingError, match="超出范围"):
        env_int("N", 25, minimum=0, maximum=100, environ={"N": "500"})
    assert env_int("N", 25, environ={"N": " 30 "}) == 30


def test_choice_lists_the_allowed_values():
    with pytest.raises(SettingError, match="zh-hans、en"):
        env_choice("LANTAI_LANGUAGE", "zh-hans", ["zh-hans", "en"], {"LANTAI_LANGUAGE": "fr"})


def test_database_url_defaults_to_sqlite_in_wal_mode(tmp_path):
    config = env_database("LANTAI_DATABASE_URL", tmp_path / "db.sqlite3", {})
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_database_url_switches_to_postgresql(tmp_path):
    url = "postgres://postgres@127.0.0.1:5432/lantai"
    config = env_database("U", tmp_path / "x", {"U": url})
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "lantai"


def test_database_url_with_unknown_scheme_is_refused_without_leaking_password(tmp_path):
    with pytest.raises(SettingError) as error:
        env_database("U", tmp_path / "x", {"U": "mysql://root:secret@db/lantai"})
    assert "secret" not in str(error.value)
    assert "postgres://" in str(error.value)


def test_unwritable_data_dir_is_reported(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SettingError, match="LANTAI_DATA_DIR"):
        env_dir("LANTAI_DATA_DIR", "./var", {"LANTAI_DATA_DIR": str(blocker / "sub")})


def test_password_is_masked_in_database_urls():
    assert mask_password("postgres://u:pw@h/db") == "postgres://u:***@h/db"


def test_sqlite_busy_timeout_is_configurable_and_applies_to_sqlite_urls(tmp_path):
    default = env_database("LANTAI_DATABASE_URL", tmp_path / "db.sqlite3", {})
    assert default["OPTIONS"]["timeout"] == 30
    assert default["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    environ = {
        "LANTAI_DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
        "LANTAI_SQLITE_TIMEOUT": "90",
    }
    assert (
        env_database("LANTAI_DATABASE_URL", tmp_path / "db.sqlite3", environ)["OPTIONS"]["timeout"]
        == 90
    )
    with pytest.raises(SettingError, match="LANTAI_SQLITE_TIMEOUT"):
        env_database("LANTAI_DATABASE_URL", tmp_path / "db.sqlite3", {"LANTAI_SQLITE_TIMEOUT": "0"})


def test_a_bad_ingest_chunk_size_names_the_variable(monkeypatch):
    from lantai.ingest.batch import chunk_size

    monkeypatch.setenv("LANTAI_INGEST_CHUNK", "lots")
    with pytest.raises(SettingError, match="LANTAI_INGEST_CHUNK"):
        chunk_size()


def test_a_float_setting_rejects_text_and_values_out_of_range():
    from lantai.env import env_float

    with pytest.raises(SettingError, match="应为数字"):
        env_float("LANTAI_OCR_TIMEOUT", 120.0, environ={"LANTAI_OCR_TIMEOUT": "2m"})
    with pytest.raises(SettingError, match="超出范围"):
        env_float("LANTAI_OCR_TIMEOUT", 120.0, minimum=0.01, environ={"LANTAI_OCR_TIMEOUT": "0"})
    with pytest.raises(SettingError, match="超出范围"):
        env_float("X", 1.0, minimum=0.0, environ={"X": "nan"})
    assert env_float("X", 1.0, environ={"X": " 0.5 "}) == 0.5


@pytest.mark.parametrize("name", ["LANTAI_OCR_TIMEOUT", "LANTAI_TEXT_MAX_BYTES"])
def test_a_bad_text_limit_is_refused_not_silently_replaced_by_its_default(monkeypatch, name):
    from lantai.text import limits

    monkeypatch.setenv(name, "lots")
    with pytest.raises(SettingError, match=name):
        limits.ocr_timeout() if name == "LANTAI_OCR_TIMEOUT" else limits.max_bytes()


def test_lantai_refuses_to_start_with_a_bad_ocr_timeout_naming_the_variable(tmp_path):
    from tests.processes import run_lantai

    result = run_lantai(tmp_path, "check", LANTAI_OCR_TIMEOUT="2m")
    assert result.returncode != 0
    assert "LANTAI_OCR_TIMEOUT='2m'" in result.stderr and "Traceback" not in result.stderr


def test_every_lantai_setting_read_by_the_code_is_documented_in_the_readme():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    code = "\n".join(p.read_text(encoding="utf-8") for p in (root / "lantai").rglob("*.py"))
    used = set(re.findall(r"""["'](LANTAI_[A-Z0-9_]+)["']""", code))
    documented = set(re.findall(r"`(LANTAI_[A-Z0-9_]+)`", (root / "README.md").read_text("utf-8")))
    assert used - documented == set()


def test_the_product_reads_no_fault_switch():
    """The crash tests' kill switches are read by tests/faultinject.py only."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    code = "\n".join(p.read_text(encoding="utf-8") for p in (root / "lantai").rglob("*.py"))
    assert not re.findall(r"LANTAI_FAULT_[A-Z_]+", code)
