"""When a record is due for open review (开放审核): the age rule, and nothing else.

档案法 art. 27: records open to the public 25 years after they were formed; some categories
(经济、教育、科技、文化…) may open earlier, and some later. The queue takes an item whose
formation year plus its threshold has been reached (standards §5.2: ``形成年度 + 25 ≤ 当前年度``),
or one proposed for early review.

Decisions recorded here:

- The record's age is counted in whole calendar years from its formation year, because item
  dates are often partial (a year only). A record of 2000 is due from 1 January 2025.
- ``rules`` maps a key to a number of years. A key is a 门类 code (``{"RS": 50}``) or a series
  path (``{"WS/BGS": 30}``, segments separated by ``/``); the most specific key wins: the series
  path, then its parents, then the 门类 code, then ``default``. Keys are compared upper-case.
- A threshold of 0 is allowed (a category open at once); a negative one is a configuration
  error and raises ``ValueError``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

DEFAULT_YEARS = 25


def threshold(
    category: str,
    rules: Mapping[str, int] | None = None,
    default: int = DEFAULT_YEARS,
    *,
    series: str = "",
) -> int:
    """Years after formation at which an item of ``category`` (and ``series``) is reviewed."""
    table = {key.strip().upper(): years for key, years in (rules or {}).items()}
    parts = [p for p in series.strip().upper().split("/") if p]
    keys = ["/".join(parts[:n]) for n in range(len(parts), 0, -1)] + [category.strip().upper()]
    years = next((table[key] for key in keys if key in table), default)
    if isinstance(years, bool) or not isinstance(years, int) or years < 0:
        raise ValueError(f"开放期限配置无效：「{years}」应为不小于 0 的整数年数")
    return years


def due_year(
    year: int,
    category: str = "",
    rules: Mapping[str, int] | None = None,
    default: int = DEFAULT_YEARS,
    *,
    series: str = "",
) -> int:
    """The first calendar year in which an item formed in ``year`` is due for review."""
    return year + threshold(category, rules, default, series=series)


def is_due(
    item_year: int | None,
    today: datetime.date,
    category: str = "",
    rules: Mapping[str, int] | None = None,
    default: int = DEFAULT_YEARS,
    *,
    series: str = "",
    proposed_early: bool = False,
) -> bool:
    """Whether the item belongs in the review queue on ``today``.

    An item without a formation year is never due by age (its date must be described first),
    but it can still be proposed for early review.
    """
    if proposed_early:
        return True
    if item_year is None:
        return False
    return today.year >= due_year(item_year, category, rules, default, series=series)
