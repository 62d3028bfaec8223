"""The login throttle: too many failures for a username or an address lock sign-in for a while."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from lantai.accounts import throttle
from lantai.accounts.models import LoginFailure
from lantai.audit.models import AuditEvent
from tests.factories import make_user

PASSWORD = "pw-Lantai-2026"


def sign_in(client, username, password, ip="10.0.0.1"):
    return client.post(
        "/account/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def fail(client, username, times, ip="10.0.0.1"):
    for _ in range(times):
        assert sign_in(client, username, "wrong-password", ip).status_code == 200


def test_five_wrong_passwords_are_answered_as_ordinary_failures(client, public, clock):
    fail(client, "citizen", 5)
    assert LoginFailure.objects.filter(username="citizen").count() == 5


def test_the_sixth_attempt_for_a_username_is_refused_with_429(client, public, clock):
    fail(client, "citizen", 5)
    response = sign_in(client, "citizen", "wrong-password")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert int(response["Retry-After"]) > 0


def test_even_the_right_password_is_refused_until_the_window_passes(client, public, clock):
    fail(client, "citizen", 5)
    assert sign_in(client, "citizen", PASSWORD).status_code == 429
    clock.advance(minutes=14)
    assert sign_in(client, "citizen", PASSWORD).status_code == 429
    clock.advance(minutes=1, seconds=1)
    assert sign_in(client, "citizen", PASSWORD).status_code == 302


def test_the_lock_follows_the_username_whatever_its_case_or_address(client, public, clock):
    fail(client, "citizen", 5, ip="10.0.0.1")
    assert sign_in(client, " CITIZEN", PASSWORD, ip="10.9.9.9").status_code == 429


def test_other_accounts_are_not_locked_by_someone_elses_failures(client, public, clock):
    make_user("neighbour", password=PASSWORD)
    fail(client, "citizen", 5, ip="10.0.0.1")
    assert sign_in(client, "neighbour", PASSWORD, ip="10.0.0.2").status_code == 302


def test_too_many_failures_from_one_address_lock_that_address(client, settings, public, clock):
    settings.LOGIN_FAILURES_PER_IP = 3
    for name in ("a", "b", "c"):
        fail(client, name, 1, ip="10.0.0.7")
    assert sign_in(client, "citizen", PASSWORD, ip="10.0.0.7").status_code == 429
    assert sign_in(client, "citizen", PASSWORD, ip="10.0.0.8").status_code == 302


def test_a_successful_sign_in_clears_the_usernames_counter(client, public, clock):
    fail(client, "citizen", 4)
    assert sign_in(client, "citizen", PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username="citizen").exists()
    client.logout()
    fail(client, "citizen", 4)
    assert sign_in(client, "citizen", PASSWORD).status_code == 302


def test_old_failures_are_pruned_when_new_ones_are_recorded(client, public, clock):
    fail(client, "citizen", 3)
    clock.advance(minutes=16)
    fail(client, "someone-else", 1)
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["someone-else"]


def test_refused_attempts_are_audited(client, public, clock):
    fail(client, "citizen", 5)
    sign_in(client, "citizen", PASSWORD)
    assert AuditEvent.objects.filter(action="login_throttled", object_repr="citizen").exists()


def test_throttle_rows_do_not_flood_the_audit_log(client, public, clock):
    fail(client, "citizen", 2)
    assert not AuditEvent.objects.filter(object_type="access.loginfailure").exists()


@pytest.mark.django_db(transaction=True)
def test_failures_seen_by_another_worker_are_counted(public, clock):
    """Each thread has its own database connection, as a second web worker would."""
    fail(Client(), "citizen", 5, ip="10.0.0.1")
    statuses = []

    def other_worker():
        try:
            statuses.append(sign_in(Client(), "citizen", PASSWORD, ip="10.0.0.2").status_code)
        finally:
            connection.close()

    worker = threading.Thread(target=other_worker)
    worker.start()
    worker.join()
    assert statuses == [429]


# The key is the account Django signs in, not the characters typed -------------------------


@pytest.fixture
def rev1(db):
    return make_user("rev1", password=PASSWORD)


def test_a_full_width_spelling_signs_in_as_the_ascii_account(client, rev1, clock):
    """The premise: Django's sign-in form applies NFKC, so ｒｅｖ１ is rev1."""
    assert sign_in(client, "ｒｅｖ１", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(rev1.pk)


def test_a_full_width_spelling_does_not_bypass_the_lock_on_the_account(client, rev1, clock):
    fail(client, "rev1", 5)
    assert sign_in(client, "ｒｅｖ１", PASSWORD, ip="10.9.9.9").status_code == 429
    assert "_auth_user_id" not in client.session


def test_full_width_failures_count_towards_the_accounts_lock(client, rev1, clock):
    fail(client, "ｒｅｖ１", 3)
    fail(client, "REV1", 2)
    assert sign_in(client, "rev1", PASSWORD, ip="10.9.9.9").status_code == 429


def test_the_admin_login_applies_the_same_normalised_lock(client, rev1, clock):
    fail(client, "rev1", 5)
    response = client.post(
        "/admin/login/", {"username": "ｒｅｖ１", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 429


def test_a_locked_account_cannot_clear_its_lock_with_a_full_width_sign_in(client, rev1, clock):
    fail(client, "rev1", 5)
    sign_in(client, "ｒｅｖ１", PASSWORD, ip="10.9.9.9")
    assert LoginFailure.objects.filter(username="rev1").count() == 5
    assert sign_in(client, "rev1", PASSWORD, ip="10.9.9.8").status_code == 429


def test_the_key_is_nfkc_and_casefold_of_the_name():
    assert throttle.normalise(" ｒｅｖ１ ") == "rev1"
    assert throttle.normalise("Ｒｅｖ１") == throttle.normalise("rev1")
    assert throttle.normalise("ﬀ") == "ff"  # a ligature is the letters it is made of


# Registration throttle ---------------------------------------------------------------------


def test_registration_attempts_never_count_towards_a_sign_in_lock(client, settings, public, clock):
    settings.LOGIN_FAILURES_PER_IP = 2
    for _ in range(3):
        throttle.record_registration("10.0.0.1")
    assert sign_in(client, "citizen", PASSWORD, ip="10.0.0.1").status_code == 302


def test_a_typed_name_cannot_fill_an_addresses_registration_lock(client, settings, db, clock):
    settings.REGISTRATIONS_PER_IP = 3
    for ip in ("10.0.0.2", "10.0.0.3", "10.0.0.4"):
        fail(client, "register:10.0.0.9", 1, ip=ip)
    assert throttle.registration_wait("10.0.0.9") == 0


def test_registration_is_blocked_per_address_after_the_limit(settings, db, clock):
    settings.REGISTRATIONS_PER_IP = 3
    for _ in range(3):
        throttle.record_registration("10.0.0.1")
    assert throttle.registration_wait("10.0.0.1") > 0
    assert throttle.registration_wait("10.0.0.2") == 0
    clock.advance(minutes=15, seconds=1)
    assert throttle.registration_wait("10.0.0.1") == 0
