"""The search scope comes from the one visibility policy, for every persona."""

from __future__ import annotations

import pytest

from lantai.archive.models import Item
from lantai.search.indexer import apply_outbox
from lantai.search.service import search_for
from tests.factories import make_item

pytestmark = pytest.mark.django_db(transaction=True)

PERSONAS = ["anonymous", "public", "archivist", "reviewer", "sysadmin", "secadmin", "auditor"]


@pytest.fixture
def corpus(fonds, other_fonds):
    for status in ("open", "closed", "controlled", "unreviewed"):
        make_item(fonds, title=f"档案样本 {status}", open_status=status)
        make_item(other_fonds, title=f"档案样本 {status}", open_status=status)
    apply_outbox()


@pytest.mark.parametrize("persona", PERSONAS)
def test_search_finds_exactly_what_the_persona_may_see(persona, corpus, request):
    user = request.getfixturevalue(persona)
    expected = set(Item.objects.visible_to(user).values_list("ref_code", flat=True))
    result = search_for(user, "档案样本", per_page=100)
    assert {hit.ref_code for hit in result.hits} == expected
    assert result.total == len(expected)


def test_public_facets_do_not_include_open_status(corpus, anonymous):
    assert "open_status" not in search_for(anonymous, "档案样本").facets


def test_staff_facets_count_open_status(corpus, archivist):
    facets = search_for(archivist, "档案样本").facets
    assert facets["open_status"]["closed"] == 1
