from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lantai.archive.models import Fonds, Series
from tests.factories import make_item


def test_new_item_is_unreviewed_so_the_system_fails_closed(fonds):
    assert make_item(fonds).open_status == "unreviewed"


def test_series_tree_is_a_materialised_path(fonds):
    wenshu = Series.objects.create(fonds=fonds, code="WS", name="文书")
    office = Series.objects.create(fonds=fonds, parent=wenshu, code="BGS", name="办公室")
    team = Series.objects.create(fonds=fonds, parent=office, code="MS", name="秘书科")
    assert office.path.startswith(wenshu.path)
    assert team.depth == 2
    assert set(wenshu.subtree()) == {wenshu, office, team}
    assert [s.code for s in team.ancestors()] == ["WS", "BGS"]


def test_series_parent_must_be_in_the_same_fonds(fonds, other_fonds):
    parent = Series.objects.create(fonds=fonds, code="WS", name="文书")
    with pytest.raises(ValueError, match="同一全宗"):
        Series.objects.create(fonds=other_fonds, parent=parent, code="X", name="x")


def test_fonds_with_malformed_code_or_template_fails_validation(db):
    with pytest.raises(ValidationError, match="全宗号"):
        Fonds(code="1234", name="x").full_clean(exclude=["staff"])
    with pytest.raises(ValidationError, match="number"):
        Fonds(code="J009", name="x", refcode_template="{fonds}-{year}").full_clean(
            exclude=["staff"]
        )
