"""The login throttle: too many failures for a username or an address lock sign-in for a while."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from lantai.access import throttle
from lantai.access.models import LoginFailure
from lantai.audit.models import AuditEvent
from tests.factories import make_user

PASSWORD = "pw-Lantai-2026"


@pytest.fixture
def clock(monkeypatch):
    """A controllable clock for the throttle: ``clock.advance(minutes=…)`` travels in time."""

    class Clock:
        current = timezone.now()

        def advance(self, **delta):
            self.current += timedelta(**delta)

    fake = Clock()
    monkeypatch.setattr(throttle, "now", lambda: fake.current)
    return fake


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
