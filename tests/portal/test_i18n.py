"""The back office in English: our own labels follow the browser language, Chinese by default.

The msgids are the Chinese labels (zh-hans is the source language); the English catalogue lives
in lantai/locale/en/LC_MESSAGES/django.po and is compiled by scripts/compile-messages.
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from lantai.archive import domains
from lantai.search import _fields as search_fields
from lantai.search.indexer import apply_outbox
from tests.factories import make_item, verified_login

LOCALE_DIR = Path(__file__).resolve().parents[2] / "lantai" / "locale" / "en" / "LC_MESSAGES"
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def _catalogue():
    with (LOCALE_DIR / "django.po").open("rb") as fh:
        return read_po(fh, locale="en")


def _messages(catalog) -> dict[tuple[str | None, str], str]:
    return {(m.context, m.id): m.string for m in catalog if m.id}


@pytest.fixture
def operator(db):
    """The development superuser: the only one the admin shows the archival model to."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(
        "operator", password="pw-Lantai-2026", is_staff=True, is_superuser=True
    )


def test_item_change_page_speaks_english_on_request(client, operator, fonds):
    item = make_item(fonds, title="关于道路改造的通知")
    verified_login(client, operator)
    url = f"/admin/archive/item/{item.pk}/change/"
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for label in ("Reference code", "Title", "Retention period", "Access status", "Creator"):
        assert label in body
    assert "Permanent" in body  # the retention choice label, from lantai/archive/domains.py
    assert "档号" not in body
    assert "保管期限" not in body
    assert "关于道路改造的通知" in body  # data stays as written


def test_item_list_speaks_english_on_request(client, operator, fonds):
    make_item(fonds, title="关于道路改造的通知")
    verified_login(client, operator)
    body = client.get("/admin/archive/item/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for label in ("Reference code", "Title", "Record category", "Access status", "Unreviewed"):
        assert label in body
    assert "Search by reference code, title, creator or document number" in body
    assert "Lantai back office" in body
    assert "档号" not in body


def test_admin_index_uses_english_plurals(client, operator):
    verified_login(client, operator)
    body = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Records" in body  # the archive app
    assert "Items" in body
    assert "档案（件）" not in body


def test_item_pages_stay_chinese_by_default(client, operator, fonds):
    item = make_item(fonds)
    verified_login(client, operator)
    change = client.get(f"/admin/archive/item/{item.pk}/change/").content.decode()
    listing = client.get("/admin/archive/item/").content.decode()
    for body in (change, listing):
        assert "档号" in body
        assert "题名" in body
        assert "Reference code" not in body
    assert "保管期限" in change
    assert "永久" in change
    assert "未审核" in listing


def test_every_msgid_has_a_translation():
    messages = _messages(_catalogue())
    assert messages
    missing = [msgid for msgid, msgstr in messages.items() if not msgstr.strip()]
    assert missing == []
    assert not [m.id for m in _catalogue() if m.id and m.fuzzy]


def test_compiled_catalogue_matches_the_po():
    """The .mo in the tree is up to date with the .po: CI never compiles, so a .po edit without
    scripts/compile-messages would otherwise ship stale translations."""
    with (LOCALE_DIR / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for (context, msgid), msgstr in _messages(_catalogue()).items():
        got = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
        if got != msgstr:
            stale.append(f"{context or ''}|{msgid}: {got!r} != {msgstr!r}")
    assert stale == []


@pytest.mark.parametrize(
    "domain",
    ["RETENTION", "CATEGORIES", "CLASSIFICATIONS", "OPEN_STATUSES", "CARRIERS", "SCRIPTS"],
)
def test_domain_labels_are_in_the_catalogue(domain):
    """domains.py is plain Python, so no extractor finds its labels: the .po must carry them."""
    messages = _messages(_catalogue())
    labels = getattr(domains, domain).values()
    assert [label for label in labels if not messages.get((None, label))] == []


def test_search_field_labels_are_in_the_catalogue():
    """The search core is Django-free, so the facet labels of its field table are plain msgids."""
    messages = _messages(_catalogue())
    assert [f.label for f in search_fields.FIELDS if not messages.get((None, f.label))] == []


def _model_labels():
    for config in apps.get_app_configs():
        if not config.name.startswith("lantai."):
            continue
        yield f"{config.label} app", config.verbose_name
        for model in config.get_models():
            opts = model._meta
            yield f"{opts.label} verbose_name", opts.verbose_name
            yield f"{opts.label} verbose_name_plural", opts.verbose_name_plural
            for codename, name in opts.permissions:
                yield f"{opts.label} permission {codename}", name
            for field in opts.get_fields(include_hidden=False):
                if field.auto_created and not field.concrete:
                    continue
                yield f"{opts.label}.{field.name}", field.verbose_name
                yield f"{opts.label}.{field.name} help_text", field.help_text
                for _value, label in getattr(field, "flatchoices", None) or []:
                    yield f"{opts.label}.{field.name} choice", label


def test_every_chinese_model_label_has_an_english_translation():
    untranslated = []
    for where, label in _model_labels():
        with translation.override("zh-hans"):  # not whatever an earlier test left active
            chinese = str(label)
        if not CJK.search(chinese):
            continue
        with translation.override("en"):
            english = str(label)
        # Only the quoted source wording in a help text may stay Chinese.
        if english == chinese or CJK.search(english.replace("“长期”", "")):
            untranslated.append(f"{where}: {chinese}")
    assert untranslated == []


# The public portal and the staff pages: Chinese by default, English on request.

# Every template of the package: the public portal's and each staff feature's own folder.
PORTAL_TEMPLATES = sorted(
    path
    for path in LOCALE_DIR.parents[2].rglob("*.html")
    if "templates" in path.relative_to(LOCALE_DIR.parents[2]).parts
)


def _template_msgids(path: Path) -> set[str]:
    from django.utils.translation.template import templatize

    python = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    return {
        ast.literal_eval(quoted)
        for quoted in re.findall(r"\bgettext\((u?'(?:[^'\\]|\\.)*')\)", python)
    }


def test_every_portal_template_msgid_is_in_the_catalogue():
    messages = _messages(_catalogue())
    missing = [
        f"{path.name}: {msgid}"
        for path in PORTAL_TEMPLATES
        for msgid in sorted(_template_msgids(path))
        if not messages.get((None, msgid))
    ]
    assert missing == []


def test_home_page_speaks_english_on_request(client, open_item):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in body
    for label in ("Search", "Open records", "Recently opened", "Reference code", "Sign in"):
        assert label in body
    assert "检索开放档案" not in body
    assert "最近开放" not in body
    assert "公开的道路改造通知" in body  # data stays as written


def test_home_page_stays_chinese_by_default(client, open_item):
    body = client.get("/").content.decode()
    assert '<html lang="zh-Hans">' in body
    for label in ("检索", "开放档案", "最近开放", "档号", "登录", "注册"):
        assert label in body
    assert "Recently opened" not in body
    assert "Sign in" not in body


@pytest.fixture
def indexed_open_item(fonds):
    item = make_item(
        fonds, title="蘭臺縣減租減息佈告", text="本府決定實行減租減息。", open_status="open"
    )
    apply_outbox()
    return item


@pytest.mark.django_db(transaction=True)
def test_search_results_speak_english_on_request(client, indexed_open_item):
    body = client.get("/search", {"q": "减租"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<strong>1</strong> results" in body
    for label in ("Search", "Relevance", "Date", "Fonds", "Record category", "Administrative"):
        assert label in body
    assert "条结果" not in body
    assert "相关度" not in body
    assert "蘭臺縣減租減息佈告" in body


@pytest.mark.django_db(transaction=True)
def test_search_results_stay_chinese_by_default(client, indexed_open_item):
    body = client.get("/search", {"q": "减租"}).content.decode()
    assert "共 <strong>1</strong> 条结果" in body
    for label in ("排序：", "相关度", "全宗", "门类", "文书"):
        assert label in body
    assert "</strong> results" not in body
    assert "Relevance" not in body


def test_item_page_speaks_english_on_request(client, open_item):
    url = reverse("item", args=[open_item.ref_code])
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for label in ("Home", "Reference code", "Creator", "Retention period", "Permanent"):
        assert label in body
    assert "档号" not in body
    assert "保管期限" not in body
    assert "公开的道路改造通知" in body


def test_item_page_stays_chinese_by_default(client, open_item):
    body = client.get(reverse("item", args=[open_item.ref_code])).content.decode()
    for label in ("首页", "档号", "责任者", "保管期限", "永久"):
        assert label in body
    assert "Reference code" not in body


def test_login_page_speaks_english_on_request(client, db):
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for label in ("Sign in", "Username", "Password", "One-time code", "No account yet?"):
        assert label in body
    assert "登录" not in body
    assert "用户名" not in body


def test_login_page_stays_chinese_by_default(client, db):
    body = client.get(reverse("login")).content.decode()
    for label in ("登录", "用户名", "密码", "动态口令", "还没有账号？"):
        assert label in body
    assert "Sign in" not in body


def test_failed_sign_in_speaks_english_on_request(client, public):
    body = client.post(
        reverse("login"),
        {"username": public.get_username(), "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "Incorrect username or password" in body
