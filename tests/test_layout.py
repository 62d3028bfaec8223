"""The house keeps its shape: pages live in the portal, and the apps below it hold none."""

from __future__ import annotations

from pathlib import Path

LANTAI = Path(__file__).resolve().parents[1] / "lantai"
BELOW_THE_PORTAL = ["archive", "access", "audit", "ingest", "search", "text"]


def test_no_app_below_the_portal_has_a_page_of_the_portal():
    extending = [
        str(path.relative_to(LANTAI))
        for app in BELOW_THE_PORTAL
        for path in (LANTAI / app).rglob("*.html")
        if '{% extends "portal/' in path.read_text("utf-8")
    ]
    assert extending == []


def test_no_app_below_the_portal_has_views_or_urls():
    found = [
        str(path.relative_to(LANTAI))
        for app in BELOW_THE_PORTAL
        for name in ("views.py", "urls.py")
        for path in (LANTAI / app).rglob(name)
    ]
    assert found == []


def test_each_staff_feature_is_a_folder_with_its_views_urls_and_templates():
    staff = LANTAI / "portal" / "staff"
    features = sorted(p.name for p in staff.iterdir() if (p / "apps.py").exists())
    assert features == ["ingest", "review"]
    for feature in features:
        assert (staff / feature / "views.py").exists() and (staff / feature / "urls.py").exists()
        assert any((staff / feature / "templates").rglob("*.html"))
