"""Optional engines say once, in one line, that they are missing (Django system checks)."""

from __future__ import annotations

import importlib.util

from django.core import checks

from lantai.ingest import engines
from lantai.ingest.checks import clamav


def _without(monkeypatch, *missing: str) -> None:
    real = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        return None if name in missing else real(name, *args, **kwargs)

    monkeypatch.setattr(engines.importlib.util, "find_spec", find_spec)


def test_a_machine_without_any_ocr_engine_is_told_in_one_chinese_line(monkeypatch):
    _without(monkeypatch, "rapidocr", "tesserocr")
    messages = engines.check_ocr()
    assert [m.id for m in messages] == ["lantai.I001"]
    assert "OCR" in messages[0].msg and "\n" not in messages[0].msg
    assert "lantai[ocr]" in messages[0].msg


def test_rapidocr_without_onnxruntime_is_no_engine(monkeypatch):
    _without(monkeypatch, "onnxruntime", "tesserocr")
    assert engines.ocr_engines() == []


def test_one_installed_engine_silences_the_ocr_note(monkeypatch):
    monkeypatch.setattr(engines, "_installed", lambda name: name == "tesserocr")
    assert engines.ocr_engines() == ["tesseract"]
    assert engines.check_ocr() == []


def test_no_clamd_is_reported_as_virus_checks_not_performed(monkeypatch):
    monkeypatch.setattr(clamav, "find", lambda address=None: None)
    [message] = engines.check_clamav()
    assert message.id == "lantai.I002" and "未检测" in message.msg


def test_the_engine_checks_are_registered_with_django():
    registered = checks.registry.registry.get_checks(include_deployment_checks=False)
    assert engines.check_ocr in registered and engines.check_clamav in registered


def test_startup_lines_are_the_messages_of_the_missing_engines(monkeypatch):
    _without(monkeypatch, "rapidocr", "tesserocr")
    monkeypatch.setattr(clamav, "find", lambda address=None: ("/tmp/clamd.socket", "ClamAV 1"))
    assert len(engines.startup_lines()) == 1
