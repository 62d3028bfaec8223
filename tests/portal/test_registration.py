"""Registration: no reserved or look-alike names, throttled per address, and no oracle for
which accounts exist."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lantai.audit.models import AuditEvent
from lantai.portal import usernames
from tests.factories import make_user

NEW_PASSWORD = "Qing-Ming-Shang-He-1127"
UNAVAILABLE = "该用户名不可用，请换一个。"


def register(client, username, password=NEW_PASSWORD, ip="10.1.0.1", **extra):
    data = {"username": username, "password1": password, "password2": password, **extra}
    return client.post("/account/register/", data, REMOTE_ADDR=ip)


def created(username):
    return get_user_model().objects.filter(username=username).exists()


def refused_as_unavailable(response):
    return response.status_code == 200 and UNAVAILABLE in response.content.decode()


@pytest.fixture
def rev1(db):
    return make_user("rev1")


# Reserved names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "公众",
        "档案员",
        "开放审核员",
        "系统管理员",
        "安全保密管理员",
        "安全审计员",
        "admin",
        "Administrator",
        "ROOT",
        "system",
        "staff",
        "ａｄｍｉｎ",  # full-width
        "sys_admin",  # separators do not make a new name
        "archivist",
        "auditor",
        "System-Administrator",
        "security.auditor",
    ],
)
def test_reserved_names_cannot_be_registered(client, db, name):
    assert refused_as_unavailable(register(client, name))
    assert get_user_model().objects.count() == 0


def test_the_archives_own_name_is_reserved(client, db, settings):
    settings.ARCHIVE_NAME = "兰台区档案馆"
    assert refused_as_unavailable(register(client, "兰台区档案馆"))
    assert refused_as_unavailable(register(client, "兰台区档案馆客服"))
    settings.ARCHIVE_NAME = "青山市档案馆"
    assert refused_as_unavailable(register(client, "青山市档案馆"))
    assert get_user_model().objects.count() == 0


def test_an_ordinary_name_is_still_accepted(client, db):
    assert register(client, "张三").status_code == 302
    assert created("张三")


# Look-alikes of existing names --------------------------------------------------------------


@pytest.mark.parametrize(
    "look_alike",
    [
        "rev1",  # the same name
        "REV1",  # another case
        "ｒｅｖ１",  # full-width
        "revl",  # 1 / l
        "rеv1",  # Cyrillic е
        "rev1 ",  # a trailing blank
    ],
)
def test_look_alikes_of_an_existing_name_are_refused(client, rev1, look_alike):
    assert refused_as_unavailable(register(client, look_alike))
    assert get_user_model().objects.count() == 1


@pytest.mark.parametrize(
    ("existing", "look_alike"),
    [("anna", "аnnа"), ("bob0", "bobO"), ("Ilse", "llse"), ("kim", "kirn"), ("paypal", "рaypal")],
)
def test_confusable_skeletons_match(existing, look_alike):
    assert usernames.skeleton(existing) == usernames.skeleton(look_alike)


@pytest.mark.parametrize(("one", "other"), [("rev1", "rev2"), ("张三", "张山"), ("anna", "anne")])
def test_different_names_have_different_skeletons(one, other):
    assert usernames.skeleton(one) != usernames.skeleton(other)


# No oracle ----------------------------------------------------------------------------------


def errors_of(response):
    """The error lists of the page, without the echoed name and the CSRF token."""
    return re.findall(r'<ul class="errorlist"[^>]*>.*?</ul>', response.content.decode(), re.S)


def test_taken_reserved_and_look_alike_names_get_the_same_answer(client, rev1):
    answers = [errors_of(register(client, name)) for name in ("rev1", "admin", "ｒｅｖ１", "revl")]
    assert answers[0] and all(answer == answers[0] for answer in answers)
    assert "already exists" not in str(answers) and "已存在" not in str(answers)


def test_a_taken_name_costs_the_same_queries_as_a_free_one(client, rev1):
    """With a password that fails, neither attempt saves: the work must be the same."""

    def queries(name):
        with CaptureQueriesContext(connection) as captured:
            register(client, name, password="short", ip="10.1.0.9")
        return [re.sub(r"'[^']*'|\d+", "?", q["sql"]) for q in captured.captured_queries]

    queries("warm-up")
    assert queries("rev1") == queries("free-name") == queries("admin")


def test_every_existing_name_is_compared_whatever_the_answer(db, monkeypatch):
    for name in ("alpha", "beta", "gamma"):
        make_user(name)
    compared = []
    original = usernames.skeleton

    def counting(name):
        compared.append(name)
        return original(name)

    monkeypatch.setattr(usernames, "skeleton", counting)
    for wanted in ("alpha", "delta", "admin"):
        compared.clear()
        usernames.available(wanted)
        assert {"alpha", "beta", "gamma"} <= set(compared), wanted


# Throttle ------------------------------------------------------------------------------------


def test_registration_is_throttled_per_address(client, db, settings, clock):
    settings.REGISTRATIONS_PER_IP = 3
    for n in range(3):
        assert register(client, f"probe{n}", password="short").status_code == 200
    response = register(client, "reader")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "注册尝试过于频繁" in response.content.decode()
    assert not created("reader")
    assert AuditEvent.objects.filter(action="register_throttled").exists()


def test_another_address_may_still_register(client, db, settings, clock):
    settings.REGISTRATIONS_PER_IP = 2
    register(client, "a1", password="short", ip="10.1.0.1")
    register(client, "a2", password="short", ip="10.1.0.1")
    assert register(client, "reader", ip="10.1.0.2").status_code == 302


def test_the_registration_lock_ends_with_the_window(client, db, settings, clock):
    settings.REGISTRATIONS_PER_IP = 1
    register(client, "probe", password="short")
    assert register(client, "reader").status_code == 429
    clock.advance(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES, seconds=1)
    assert register(client, "reader").status_code == 302


def test_the_registration_page_answers_get_and_head(client, db):
    assert client.get("/account/register/").status_code == 200
    assert client.head("/account/register/").status_code == 200


def test_a_name_taken_between_the_check_and_the_save_is_refused_not_a_500(
    client, rev1, monkeypatch
):
    monkeypatch.setattr(usernames, "available", lambda name: True)  # the check ran too early
    response = register(client, "rev1")
    assert refused_as_unavailable(response)
    assert get_user_model().objects.filter(username="rev1").count() == 1


def test_the_refusal_speaks_english_on_request(client, rev1):
    response = client.post(
        "/account/register/",
        {"username": "ｒｅｖ１", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "This username is not available; please choose another." in response.content.decode()
