from __future__ import annotations

import pytest

from lantai.archive.domains import (
    DomainError,
    normalise_category,
    normalise_classification,
    normalise_retention,
)


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Y", "Y"),
        ("永久", "Y"),
        ("长期", "D30"),
        ("短期", "D10"),
        ("定期30年", "D30"),
        ("d10", "D10"),
    ],
)
def test_legacy_and_current_retention_wording_maps_to_codes(written, code):
    assert normalise_retention(written) == code


def test_unknown_retention_lists_allowed_values():
    with pytest.raises(DomainError, match="保管期限「五年」"):
        normalise_retention("五年")


def test_category_accepts_code_or_chinese_name():
    assert normalise_category("ws") == "WS"
    assert normalise_category("照片") == "ZP"
    with pytest.raises(DomainError, match="门类"):
        normalise_category("电影")


def test_classification_with_period_maps_to_level():
    assert normalise_classification("机密★10年") == "机密"
    assert normalise_classification("") == ""
    with pytest.raises(DomainError):
        normalise_classification("顶级")
