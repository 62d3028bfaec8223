"""Issue 12: the public searches an index that holds only what the public may see.

Scores, term statistics, timing and snippets of a search are computed over the index searched.
When the public searched the one index of every record (with the access filter in the query),
a word held only by hidden records changed BM25 scores and answered slower than an absent
word. Now the public index holds exactly the records whose tokens include the public token, so
nothing hidden can shape what a public search returns.
"""

from __future__ import annotations

import io
import json
import shutil

import pytest
import tantivy
from django.core.management import call_command

from lantai.access.review import decide
from lantai.archive.models import Item
from lantai.archive.visibility import PUBLIC_TOKEN, item_search_tokens
from lantai.search import SearchIndex
from lantai.search._analysis import fold, gram_tokens, word_tokens
from lantai.search.indexer import apply_outbox
from lantai.search.models import SearchOutbox
from lantai.search.service import search_for
from tests.factories import make_fonds, make_item

pytestmark = pytest.mark.django_db(transaction=True)

HIDDEN_WORD = "貔貅麒麟"  # only hidden records hold it
WORD = "防汛"


@pytest.fixture
def deferred(monkeypatch):
    """Stop the inline task backend from applying on commit, as if no worker ran yet."""
    monkeypatch.setattr("lantai.search.outbox._defer_to_exit", True)


def _indexes():
    from lantai.search.indexer import get_indexes

    return get_indexes()


def ids_in(index: SearchIndex) -> set[int]:
    index.reload()
    searcher = index._require().searcher()
    found = searcher.search(tantivy.Query.all_query(), limit=100_000).hits
    return {int(searcher.doc(address)["id"][0]) for _score, address in found}


def public_ids() -> set[int]:
    return ids_in(_indexes().public)


def staff_ids() -> set[int]:
    return ids_in(_indexes().staff)


def doc_freqs(index: SearchIndex, text: str) -> dict[str, int]:
    """How many records of ``index`` hold each gram and word of ``text``."""
    index.reload()
    searcher = index._require().searcher()
    folded = fold(text)
    grams = {f"bi:{g}": searcher.doc_freq("bi", g) for g in gram_tokens(folded) if len(g) == 2}
    words = {f"words:{w}": searcher.doc_freq("words", w) for w in word_tokens(folded)}
    return grams | words


def expected_public() -> set[int]:
    items = Item.objects.select_related("fonds")
    return {item.pk for item in items if PUBLIC_TOKEN in item_search_tokens(item)}


def plant_hidden(fonds, text: str, count: int) -> None:
    """``count`` records holding ``text`` that the public may not see, in every hidden state."""
    private = make_fonds("J077", "内部全宗", is_public=False)
    states = ["closed", "unreviewed", "controlled"]
    for n in range(count):
        if n % 4 == 3:
            make_item(
                private,
                title=f"内部{text}材料{n}",
                text=f"{text}。" * (n % 5 + 1),
                open_status="open",
            )
        else:
            make_item(
                fonds,
                title=f"未开放{text}材料{n}",
                text=f"{text}。" * (n % 5 + 1),
                open_status=states[n % 3],
            )


def public_answer(anonymous, query: str) -> tuple:
    result = search_for(anonymous, query, per_page=50)
    hits = [hit.as_dict() for hit in result.hits]
    return hits, result.total, result.facets, result.relaxed, result.estimated


# --- what the public index holds --------------------------------------------------------------


def test_a_term_held_only_by_hidden_records_is_absent_from_the_public_index(fonds, deferred):
    make_item(fonds, title="公开的防汛通知", text="汛期值班安排。", open_status="open")
    plant_hidden(fonds, HIDDEN_WORD, 8)
    apply_outbox()
    assert set(doc_freqs(_indexes().public, HIDDEN_WORD).values()) == {0}
    assert min(doc_freqs(_indexes().staff, HIDDEN_WORD).values()) > 0  # staff still find it


def test_the_public_index_holds_exactly_the_records_whose_tokens_include_public(
    fonds, other_fonds, deferred
):
    for status in ("open", "closed", "controlled", "unreviewed"):
        make_item(fonds, title=f"样本 {status}", open_status=status)
        make_item(other_fonds, title=f"样本 {status}", open_status=status)
    make_item(make_fonds("J077", "内部全宗", is_public=False), title="内部", open_status="open")
    apply_outbox()
    assert public_ids() == expected_public() and len(public_ids()) == 2
    assert staff_ids() == set(Item.objects.values_list("pk", flat=True))


def test_a_public_search_is_identical_whatever_hidden_records_hold_the_word(
    fonds, anonymous, client, deferred
):
    make_item(fonds, title="防汛抗旱工作通知", text="做好防汛工作。" * 3, open_status="open")
    make_item(fonds, title="关于汛期值班的通知", text="防汛值班表。", open_status="open", year=2019)
    make_item(
        fonds,
        title="年度工作总结",
        text="全年工作中防汛一项成效明显。" + "其他。" * 40,
        open_status="open",
        year=2018,
    )
    apply_outbox()
    before = public_answer(anonymous, WORD)
    api_before = client.get("/api/search", {"q": WORD}).json()
    plant_hidden(fonds, WORD, 60)
    apply_outbox()
    assert public_answer(anonymous, WORD) == before
    assert client.get("/api/search", {"q": WORD}).json() == api_before
    assert before[1] == 3


def test_the_cli_score_of_a_public_search_ignores_hidden_records(fonds, deferred):
    make_item(fonds, title="防汛抗旱工作通知", text="做好防汛工作。", open_status="open")
    make_item(fonds, title="汛期值班", text="防汛值班表。" * 4, open_status="open")
    apply_outbox()

    def cli() -> dict:
        out = io.StringIO()
        call_command("search", WORD, "--json", stdout=out)
        return json.loads(out.getvalue())

    before = cli()
    assert all(
        set(hit) >= {"ref_code", "title", "date", "snippet", "score"} for hit in before["hits"]
    )
    plant_hidden(fonds, WORD, 40)
    apply_outbox()
    assert cli() == before


# --- records entering and leaving it ----------------------------------------------------------


def test_opening_a_record_adds_it_to_the_public_index_and_closing_removes_it(fonds, deferred):
    item = make_item(fonds, title="待审核的会议纪要")
    apply_outbox()
    assert item.pk not in public_ids() and item.pk in staff_ids()
    item = decide(item, "open", "已满二十五年")
    apply_outbox()
    assert item.pk in public_ids()
    decide(item, "closed", "涉及个人信息")
    apply_outbox()
    assert item.pk not in public_ids() and item.pk in staff_ids()


def test_making_a_fonds_private_removes_its_records_and_public_again_restores_them(
    fonds, other_fonds, deferred
):
    mine = [make_item(fonds, title=f"公开文件{n}", open_status="open").pk for n in range(3)]
    theirs = make_item(other_fonds, title="另一全宗的公开文件", open_status="open").pk
    apply_outbox()
    fonds.is_public = False
    fonds.save()
    apply_outbox()
    assert public_ids() == {theirs}
    fonds.is_public = True
    fonds.save()
    apply_outbox()
    assert public_ids() == {theirs, *mine}


def test_moving_a_record_to_a_private_fonds_or_deleting_it_removes_it(fonds, deferred):
    moved = make_item(fonds, title="将移入内部全宗的文件", open_status="open")
    deleted = make_item(fonds, title="将删除的文件", open_status="open")
    apply_outbox()
    moved.fonds = make_fonds("J077", "内部全宗", is_public=False)
    moved.save()
    deleted.package_versions.all().delete()  # a record with packages is protected
    deleted.delete()
    apply_outbox()
    assert public_ids() == set()
    assert staff_ids() == {moved.pk}


def test_an_edit_of_a_public_record_reaches_the_public_index(fonds, anonymous, deferred):
    item = make_item(fonds, title="道路改造通知", text="旧的正文。", open_status="open")
    apply_outbox()
    item.text = "新的正文提到獬豸。"
    item.save()
    apply_outbox()
    assert search_for(anonymous, "獬豸").total == 1


# --- the exact exclusion of pending hiding changes ---------------------------------------------


def test_a_pending_close_is_excluded_although_the_public_index_still_holds_it(
    fonds, anonymous, deferred
):
    item = make_item(fonds, title="麒麟档案", open_status="open")
    apply_outbox()
    decide(item, "closed", "涉及个人信息")
    assert item.pk in public_ids()  # the indexer has not run yet
    result = search_for(anonymous, "麒麟")
    assert (result.total, result.hits, result.facets["fonds"]) == (0, [], {})


def test_a_pending_deletion_is_excluded_from_the_staff_index_too(fonds, archivist, deferred):
    item = make_item(fonds, title="待删除的草稿")
    apply_outbox()
    item.package_versions.all().delete()  # a record with packages is protected
    item.delete()
    assert search_for(archivist, "待删除").total == 0


# --- a crash between the commits ----------------------------------------------------------------


def _crash(monkeypatch, index: SearchIndex) -> None:
    def crash() -> None:
        raise OSError("disk full")

    monkeypatch.setattr(index, "commit", crash)


def test_a_crash_before_the_staff_commit_leaves_no_closed_record_in_the_public_index(
    fonds, anonymous, deferred, monkeypatch
):
    item = make_item(fonds, title="白泽档案", open_status="open")
    apply_outbox()
    decide(item, "closed", "延期开放")
    with monkeypatch.context() as patch:
        _crash(patch, _indexes().staff)
        with pytest.raises(OSError):
            apply_outbox()
    assert item.pk not in public_ids()  # the public index dropped it first
    assert SearchOutbox.objects.filter(item_id=item.pk, hides=True).exists()  # still pending
    apply_outbox()  # re-applied after the restart: idempotent
    assert item.pk not in public_ids() and item.pk in staff_ids()
    assert not SearchOutbox.objects.exists()


def test_a_crash_before_the_public_commit_is_completed_by_the_next_pass(
    fonds, anonymous, deferred, monkeypatch
):
    item = make_item(fonds, title="獬豸档案")
    apply_outbox()
    decide(item, "open", "已满二十五年")
    with monkeypatch.context() as patch:
        _crash(patch, _indexes().public)
        with pytest.raises(OSError):
            apply_outbox()
    assert item.pk not in public_ids()
    assert search_for(anonymous, "獬豸").total == 0
    apply_outbox()
    assert item.pk in public_ids()
    assert search_for(anonymous, "獬豸").total == 1


# --- who searches which index -------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonymous", "public", "sysadmin", "secadmin", "auditor"])
def test_the_public_and_the_admin_roles_search_the_public_index(persona, request):
    from lantai.search.service import route_for

    route = route_for(request.getfixturevalue(persona))
    assert route.index is _indexes().public and route.public
    assert route.scope.everything  # no per-record filter: the index holds nothing else


@pytest.mark.parametrize("persona", ["archivist", "reviewer"])
def test_fonds_staff_search_the_staff_index_with_their_tokens(persona, request, fonds):
    from lantai.search.service import route_for

    route = route_for(request.getfixturevalue(persona))
    assert route.index is _indexes().staff and not route.public
    assert route.scope.tokens == {PUBLIC_TOKEN, f"fonds:{fonds.code}"}


def test_the_operator_searches_the_staff_index_unfiltered(fonds, deferred):
    from lantai.search.service import route_for, search_as_operator

    operator = type("Operator", (), {"is_superuser": True, "is_active": True})()
    route = route_for(operator)
    assert route.index is _indexes().staff and route.scope.everything and not route.public
    make_item(fonds, title=f"内部{HIDDEN_WORD}", open_status="closed")
    apply_outbox()
    assert search_as_operator(HIDDEN_WORD).total == 1


def test_a_staff_search_still_finds_hidden_records(fonds, archivist, anonymous, deferred):
    make_item(fonds, title=f"内部{HIDDEN_WORD}", open_status="closed")
    apply_outbox()
    assert search_for(archivist, HIDDEN_WORD).total == 1
    assert search_for(anonymous, HIDDEN_WORD).total == 0


# --- the public API and the rebuild -------------------------------------------------------------


def test_the_public_api_returns_no_score(client, fonds):
    make_item(fonds, title="档案馆开放日活动通知", text="档案馆开放日。", open_status="open")
    payload = client.get("/api/search", {"q": "档案馆"}).json()
    assert payload["hits"] and all("score" not in hit for hit in payload["hits"])
    schema = client.get("/api/openapi.json").json()
    hit_schema = schema["components"]["schemas"]["HitOut"]
    assert "score" not in hit_schema["properties"]


def test_the_api_says_so_while_the_public_index_is_not_built_yet(
    client, fonds, deferred, monkeypatch
):
    make_item(fonds, title="升级前的开放档案", open_status="open")
    apply_outbox()
    indexes = _indexes()
    indexes.close()
    shutil.rmtree(indexes.public.root)  # as left by a Lantai that had one index
    monkeypatch.setattr("lantai.search.indexer._index", None)
    response = client.get("/api/search", {"q": "档案"})
    assert response.status_code == 503 and "重建" in response.json()["detail"]
    assert client.get("/search", {"q": "档案"}).status_code == 503  # the portal page too


def test_reindex_builds_both_indexes(fonds, deferred):
    opened = make_item(fonds, title="开放的文件", open_status="open")
    closed = make_item(fonds, title="未开放的文件", open_status="closed")
    out = io.StringIO()
    call_command("reindex", stdout=out)
    assert "其中公众可见 1 件" in out.getvalue()
    assert public_ids() == {opened.pk}
    assert staff_ids() == {opened.pk, closed.pk}
    assert not SearchOutbox.objects.exists()


def test_a_public_index_of_an_older_schema_is_rebuilt_with_the_staff_one(
    fonds, deferred, monkeypatch
):
    opened = make_item(fonds, title="升级前的开放档案", open_status="open")
    apply_outbox()
    public = _indexes().public
    (public.root / public.generation / "lantai-schema.json").write_text('{"schema_version": 0}')
    _indexes().close()
    monkeypatch.setattr("lantai.search.indexer._index", None)  # as after an upgrade's restart
    assert _indexes().public.needs_rebuild and not _indexes().staff.needs_rebuild
    staff_generation = _indexes().staff.generation
    later = make_item(fonds, title="升级后的档案", open_status="open")
    apply_outbox()
    assert not _indexes().needs_rebuild
    assert public_ids() == {opened.pk, later.pk}
    assert _indexes().staff.generation != staff_generation  # both come from the one pass


def test_an_upgrade_from_the_one_index_layout_builds_the_public_index(
    fonds, anonymous, deferred, monkeypatch
):
    opened = make_item(fonds, title="升级前的开放档案", open_status="open")
    make_item(fonds, title="升级前的内部档案", open_status="closed")
    apply_outbox()
    indexes = _indexes()
    indexes.close()
    shutil.rmtree(indexes.public.root)  # as left by a Lantai that had one index
    monkeypatch.setattr("lantai.search.indexer._index", None)  # the upgraded process starts
    assert _indexes().needs_rebuild
    make_item(fonds, title="升级后的档案", open_status="open")
    apply_outbox()
    assert not _indexes().needs_rebuild
    assert public_ids() == expected_public() and opened.pk in public_ids()
    assert search_for(anonymous, "升级").total == 2
