"""When records are due for open review (lantai.access.opening)."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pytest

from lantai.access.opening import due_year, is_due, threshold

TODAY = datetime.date(2025, 6, 1)


def test_records_open_25_years_after_the_year_they_were_formed():
    assert due_year(2000) == 2025
    assert is_due(2000, TODAY)
    assert not is_due(2001, TODAY)


def test_a_record_is_due_from_the_first_day_of_its_due_year():
    assert is_due(2000, datetime.date(2025, 1, 1))
    assert not is_due(2000, datetime.date(2024, 12, 31))


def test_a_category_rule_sets_its_own_threshold():
    rules = {"RS": 50, "KJ": 10}
    assert due_year(1980, "RS", rules) == 2030
    assert not is_due(1980, TODAY, "RS", rules)
    assert is_due(2015, TODAY, "kj", rules)  # codes compare upper-case
    assert due_year(2000, "WS", rules) == 2025  # no rule: the default


def test_the_most_specific_series_rule_wins_over_the_category_rule():
    rules = {"WS": 30, "WS/BGS": 40, "WS/BGS/RS": 60}
    assert threshold("WS", rules, series="WS/BGS/RS") == 60
    assert threshold("WS", rules, series="WS/BGS/CW") == 40
    assert threshold("WS", rules, series="WS/JJ") == 30
    assert threshold("WS", rules) == 30


def test_the_default_threshold_can_be_changed():
    assert due_year(2000, default=30) == 2030


def test_a_record_proposed_for_early_review_is_due_at_once():
    assert is_due(2020, TODAY, proposed_early=True)
    assert is_due(None, TODAY, proposed_early=True)


def test_a_record_without_a_formation_year_is_never_due_by_age():
    assert not is_due(None, TODAY)


def test_a_category_may_open_at_once():
    assert is_due(2025, TODAY, "ZP", {"ZP": 0})


@pytest.mark.parametrize("years", [-1, 2.5, "25", True])
def test_an_invalid_threshold_is_a_configuration_error(years):
    with pytest.raises(ValueError, match="开放期限配置无效"):
        due_year(2000, "RS", {"RS": years})


def test_the_open_review_helpers_are_plain_python_without_django():
    code = (
        "import sys, lantai.access.flags, lantai.access.redaction, lantai.access.watermark, "
        "lantai.access.opening; sys.exit(any(m.startswith('django') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
