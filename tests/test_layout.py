"""The house keeps its shape: pages live in the portal, and the apps below it hold none."""

from __future__ import annotations

import tomllib
from pathlib import Path

LANTAI = Path(__file__).resolve().parents[1] / "lantai"
BELOW_THE_PORTAL = [
    "archive",
    "access",
    "accounts",
    "audit",
    "ingest",
    "preservation",
    "search",
    "text",
]


def test_no_app_below_the_portal_has_a_page_of_the_portal():
    extending = [
        str(path.relative_to(LANTAI))
        for app in BELOW_THE_PORTAL
        for path in (LANTAI / app).rglob("*.html")
        if '{% extends "portal/' in path.read_text("utf-8")
    ]
    assert extending == []


def test_no_app_below_the_portal_has_views_or_urls_and_the_portal_runs_nothing():
    assert not (LANTAI / "portal" / "management").exists()  # serve, worker, demo: runtime/
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
    assert features == ["accounts", "audit", "ingest", "items", "review"]
    for feature in features:
        assert (staff / feature / "views.py").exists() and (staff / feature / "urls.py").exists()
        assert any((staff / feature / "templates").rglob("*.html"))


def test_every_architecture_reference_names_a_section_that_exists():
    """Docstrings point at ``architecture §n`` (docs/architecture.md); none dangles, and none
    points at a design file outside the repository."""
    import re

    doc = (LANTAI.parent / "docs" / "architecture.md").read_text("utf-8")
    sections = {int(n) for n in re.findall(r"^## (\d+)\.", doc, flags=re.MULTILINE)}
    for path in [*LANTAI.rglob("*.py"), LANTAI.parent / "README.md"]:
        text = path.read_text("utf-8")
        assert "DESIGN" not in text, path
        for first, last in re.findall(r"architecture §(\d+)(?:–(\d+))?", text):
            for number in {int(first), int(last or first)}:
                assert number in sections, f"{path}: architecture §{number}"


def test_no_module_grows_past_400_lines():
    """Small modules: a module past 400 lines is split by what its parts do."""
    long = {
        str(path.relative_to(LANTAI)): lines
        for path in LANTAI.rglob("*.py")
        if "migrations" not in path.parts
        and (lines := len(path.read_text("utf-8").splitlines())) > 400
    }
    assert long == {}


def test_every_search_core_module_is_checked_strictly_and_kept_free_of_django():
    config = tomllib.loads((LANTAI.parent / "pyproject.toml").read_text(encoding="utf-8"))
    core = {
        f"lantai.search.{path.stem}"
        for path in (LANTAI / "search").glob("_*.py")
        if path.name != "__init__.py"
    }
    strict = next(
        set(o["module"])
        for o in config["tool"]["mypy"]["overrides"]
        if o.get("disallow_untyped_defs")
    )
    no_django = next(
        set(c["source_modules"])
        for c in config["tool"]["importlinter"]["contracts"]
        if "django" in c.get("forbidden_modules", [])
        and "lantai.search._index" in c["source_modules"]
    )
    assert core - strict == set()
    assert core - no_django == set()
