"""三员分立 across every role: who may list, add and change what in /admin/, and every attempt
to raise one's own privileges, read another fonds, read a TOTP secret or read record content
through the audit log fails.

Personas: archivist and reviewer of fonds A (J001) and of fonds B (J002), the three admin
roles, and a registered member of the public. Staff sign in with a TOTP code
(``verified_login``) unless a test is about a session without one.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantai.accounts.passwords import must_change
from lantai.accounts.roles import RoleConflict
from lantai.archive.models import Series, TransferBatch, Volume
from lantai.audit.digests import matches
from lantai.audit.models import AuditEvent
from lantai.audit.verify import verify
from tests.factories import make_fonds, make_item, make_personas, verified_login

User = get_user_model()
PASSWORD = "pw-Lantai-2026"

ARCHIVE_MODELS = ("fonds", "series", "volume", "item", "transferbatch")
MODELS = {
    **{name: f"/admin/archive/{name}/" for name in ARCHIVE_MODELS},
    "user": "/admin/auth/user/",
    "group": "/admin/auth/group/",
    "totpdevice": "/admin/otp_totp/totpdevice/",
    "auditevent": "/admin/audit/auditevent/",
}
# The archival models are in the admin for the development superuser only: archivists and
# reviewers work in the portal's staff pages (tests/security/test_staff_pages.py).
LISTS: dict[str, set[str]] = {
    "archivist_a": set(),
    "archivist_b": set(),
    "reviewer_a": set(),
    "reviewer_b": set(),
    "sysadmin": {"user"},
    "secadmin": {"user", "group"},
    "auditor": {"auditevent"},
}
ADDS = {"sysadmin": {"user"}}
STAFF = tuple(LISTS)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    """Eight accounts per test: a fast hasher keeps the module quick (hashing is not tested)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(fonds, other_fonds):
    """Two fonds with a series, a volume, a closed item, an open item and an accepted batch each,
    a private fonds, and one user per persona."""
    private = make_fonds("J009", "内部保密全宗", is_public=False)
    objects = {}
    for key, f in (("a", fonds), ("b", other_fonds)):
        series = Series.objects.create(fonds=f, code="BGS", name=f"{f.code}办公室")
        volume = Volume.objects.create(
            fonds=f, ref_code=f"{f.code}-卷-0001", title=f"{f.code}的案卷题名甲乙"
        )
        objects[key] = {
            "fonds": f,
            "series": series,
            "volume": volume,
            "item": make_item(f, title=f"{f.code}延期开放的人事档案", open_status="closed"),
            "open": make_item(f, title=f"{f.code}公开的通知", open_status="open"),
            "transferbatch": TransferBatch.objects.create(
                fonds=f, code=f"{f.code}-批-1", agency="区办公室", state="accepted"
            ),
        }
    users = make_personas(fonds, other_fonds)
    return {"objects": objects, "users": users, "private": private}


def as_(client, world, persona):
    user = world["users"][persona]
    if persona == "public":
        client.force_login(user)
    else:
        verified_login(client, user)
    return user


# The matrix: every persona × every model's changelist, add and change pages --------------------


@pytest.mark.parametrize("persona", [*STAFF, "public"])
def test_each_role_reaches_exactly_its_own_changelists_and_add_pages(client, world, persona):
    as_(client, world, persona)
    for model, url in MODELS.items():
        listing, adding = client.get(url), client.get(url + "add/")
        if persona == "public":  # not staff: sent to sign in, never shown a page
            assert listing.status_code == adding.status_code == 302, model
            assert listing["Location"].startswith("/admin/login/"), model
            continue
        assert listing.status_code == (200 if model in LISTS[persona] else 403), (model, "list")
        want_add = 200 if model in ADDS.get(persona, set()) else 403
        assert adding.status_code == want_add, (model, "add")


@pytest.mark.parametrize("persona", [*STAFF, "public"])
def test_change_pages_of_a_fonds_open_only_to_its_own_staff(client, world, persona):
    as_(client, world, persona)
    pages = [*ARCHIVE_MODELS, "open"]  # "open": the fonds' public item
    for key, page in ((key, page) for key in ("a", "b") for page in pages):
        obj = world["objects"][key][page]
        model = "item" if page == "open" else page
        response = client.get(f"{MODELS[model]}{obj.pk}/change/")
        own = persona.endswith(f"_{key}") and model in LISTS.get(persona, set())
        if own:
            assert response.status_code == 200, (key, model)
        else:
            # Not found for them (redirected away), forbidden, or asked to sign in — never shown.
            assert response.status_code in (302, 403), (key, model)
            body = response.content.decode()
            assert str(getattr(obj, "title", "\x00")) not in body


def test_an_archivist_cannot_edit_another_fonds_public_item(client, world):
    as_(client, world, "archivist_a")
    public_b = world["objects"]["b"]["open"]
    client.post(
        f"/admin/archive/item/{public_b.pk}/change/",
        {"title": "被篡改的题名", "category": "WS", "year": 2020, "retention": "Y"},
    )
    public_b.refresh_from_db()
    assert public_b.title == "J002公开的通知"
    assert public_b.ref_code not in client.get("/admin/archive/item/").content.decode()


def _item_form(item, **changes):
    data = {
        "title": item.title,
        "category": "WS",
        "year": 2020,
        "number": item.number,
        "retention": "Y",
        "carrier": "electronic",
        "topics": "[]",
        "components-TOTAL_FORMS": 0,
        "components-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("persona", ["archivist_a", "reviewer_a"])
def test_the_own_fonds_records_are_not_edited_or_moved_through_the_admin(client, world, persona):
    """Not even the own fonds: the item form and the volume pages of the portal are the way."""
    as_(client, world, persona)
    item, other_volume = world["objects"]["a"]["item"], world["objects"]["b"]["volume"]
    response = client.post(
        f"/admin/archive/item/{item.pk}/change/",
        _item_form(item, title="绕过门户的修改", volume=other_volume.pk),
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert (item.title, item.volume_id) == ("J001延期开放的人事档案", None)
    for url in ("/admin/", "/admin/archive/item/add/", "/admin/archive/volume/"):
        body = client.get(url).content.decode()
        assert "J001的案卷题名甲乙" not in body and "内部保密全宗" not in body, url


# Masks and review fields change only through review decisions ---------------------------------


def test_masks_and_review_fields_are_read_only_for_every_role(client, world):
    item = world["objects"]["a"]["item"]
    item.redactions = [[0, 4]]
    item.public_text = "████的正文"
    item.save()
    for persona in ("archivist_a", "reviewer_a"):
        as_(client, world, persona)
        body = client.get(f"/admin/archive/item/{item.pk}/change/").content.decode()
        for field in ("open_status", "open_reason", "review_again", "redactions", "public_text"):
            assert f'name="{field}"' not in body, (persona, field)
        client.post(
            f"/admin/archive/item/{item.pk}/change/",
            {"open_status": "open", "redactions": "[]", "public_text": "", "title": item.title},
        )
        item.refresh_from_db()
        assert (item.open_status, item.redactions) == ("closed", [[0, 4]])


# A finished transfer batch is a record ---------------------------------------------------------


@pytest.mark.parametrize("state", ["accepted", "returned"])
def test_a_finished_batch_cannot_be_edited_in_the_admin(client, world, state):
    batch = world["objects"]["a"]["transferbatch"]
    TransferBatch.objects.filter(pk=batch.pk).update(state=state)
    as_(client, world, "archivist_a")
    url = f"/admin/archive/transferbatch/{batch.pk}/change/"
    body = client.get(url).content.decode()
    assert 'name="_save"' not in body and 'name="agency"' not in body
    response = client.post(
        url, {"state": "received", "received_by": "冒名者", "agency": "改过的单位"}
    )
    assert response.status_code == 403
    batch.refresh_from_db()
    assert (batch.state, batch.received_by, batch.agency) == (state, "", "区办公室")


def test_an_ingest_task_is_visible_only_to_staff_of_its_fonds(client, world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from lantai.ingest.tasks import ingest_upload

    result = ingest_upload.enqueue("/nonexistent/移交.zip", "J001", "", True, "user:archivist_a")
    url = f"/staff/ingest/task/{result.id}/"
    as_(client, world, "archivist_b")
    assert client.get(url).status_code == 404
    as_(client, world, "archivist_a")
    assert client.get(url).status_code == 200


# No role raises its own privileges -------------------------------------------------------------


def _user_form(user, **extra):
    data = {
        "username": user.username,
        "is_active": "on",
        "is_staff": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("persona", STAFF)
def test_no_role_can_make_itself_a_superuser_or_grant_itself_anything(client, world, persona):
    user = as_(client, world, persona)
    url = f"/admin/auth/user/{user.pk}/change/"
    held = list(user.groups.values_list("pk", flat=True))
    archivist = Group.objects.get(name="档案员").pk
    attempts = [
        {"is_superuser": "on", "groups": held},
        {"groups": [*held, archivist]},  # a business role on top of its own
        {"groups": held, "user_permissions": [p.pk for p in Permission.objects.all()[:50]]},
    ]
    for attempt in attempts:
        client.post(url, _user_form(user, **attempt))
        user.refresh_from_db()
        assert not user.is_superuser, attempt
        assert sorted(user.groups.values_list("pk", flat=True)) == sorted(held), attempt
        assert not user.user_permissions.exists(), attempt


def test_an_archivist_cannot_assign_anyone_to_a_fonds(client, world):
    as_(client, world, "archivist_a")
    own = world["objects"]["a"]["fonds"]
    outsider = world["users"]["archivist_b"]
    body = client.get(f"/admin/archive/fonds/{own.pk}/change/").content.decode()
    assert 'name="staff"' not in body
    client.post(
        f"/admin/archive/fonds/{own.pk}/change/",
        {
            "code": own.code,
            "name": own.name,
            "is_public": "on",
            "refcode_template": own.refcode_template,
            "number_width": own.number_width,
            "staff": [outsider.pk],
        },
    )
    assert not own.staff.filter(pk=outsider.pk).exists()


def test_the_security_admin_grants_business_roles_to_others_but_no_superuser_or_permission(
    client, world
):
    as_(client, world, "secadmin")
    citizen = world["users"]["public"]
    reviewer_group = Group.objects.get(name="开放审核员")
    client.post(
        f"/admin/auth/user/{citizen.pk}/change/",
        _user_form(
            citizen,
            is_superuser="on",
            groups=[reviewer_group.pk],
            user_permissions=[Permission.objects.get(codename="change_group").pk],
        ),
    )
    citizen.refresh_from_db()
    assert list(citizen.groups.values_list("name", flat=True)) == ["开放审核员"]
    assert not citizen.is_superuser and not citizen.user_permissions.exists()


def test_the_admin_roles_are_not_granted_in_the_browser(client, world):
    as_(client, world, "secadmin")
    citizen = world["users"]["public"]
    for title in ("系统管理员", "安全保密管理员", "安全审计员"):
        group = Group.objects.get(name=title)
        response = client.post(
            f"/admin/auth/user/{citizen.pk}/change/", _user_form(citizen, groups=[group.pk])
        )
        assert response.status_code == 200  # the form explains the refused choice
        assert not citizen.groups.exists(), title


def test_role_group_permissions_cannot_be_edited_in_the_admin_or_the_shell(client, world):
    as_(client, world, "secadmin")
    own = Group.objects.get(name="安全保密管理员")
    before = set(own.permissions.values_list("codename", flat=True))
    every = [p.pk for p in Permission.objects.all()]
    response = client.post(
        f"/admin/auth/group/{own.pk}/change/", {"name": own.name, "permissions": every}
    )
    assert response.status_code == 403
    with pytest.raises(RoleConflict, match="角色的权限由系统定义"), transaction.atomic():
        own.permissions.add(Permission.objects.get(codename="change_group"))
    with pytest.raises(RoleConflict), transaction.atomic():
        Permission.objects.get(codename="view_auditevent").group_set.add(own)
    assert set(own.permissions.values_list("codename", flat=True)) == before


def test_only_the_system_admin_resets_another_accounts_password(client, world):
    reviewer = world["users"]["reviewer_a"]
    for persona in ("secadmin", "auditor", "archivist_a", "reviewer_b"):
        as_(client, world, persona)
        assert client.get(f"/admin/auth/user/{reviewer.pk}/password/").status_code == 403
        assert client.post(f"/admin/auth/user/{reviewer.pk}/password/").status_code == 403
    reviewer.refresh_from_db()
    assert reviewer.check_password(PASSWORD)


def test_a_reset_issues_a_temporary_password_and_removes_the_second_factor(client, world):
    reviewer = world["users"]["reviewer_a"]
    TOTPDevice.objects.create(user=reviewer, name="本人手机", confirmed=True)
    as_(client, world, "sysadmin")
    assert client.get(f"/admin/auth/user/{reviewer.pk}/password/").status_code == 200
    page = client.post(f"/admin/auth/user/{reviewer.pk}/password/")
    temporary = page.context["temporary"]
    assert temporary and temporary in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    reviewer.refresh_from_db()
    assert reviewer.check_password(temporary) and not reviewer.check_password(PASSWORD)
    assert must_change(reviewer)
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    event = AuditEvent.objects.filter(action="password_reset").get()
    assert event.actor == "user:sysadmin" and temporary not in str(event.detail)


def test_the_system_admin_cannot_act_as_the_user_whose_password_it_reset(client, world):
    """With the temporary password the sysadmin reaches only the change-password page: no
    admin page, no staff page, no closed record, no enrolment of its own second factor."""
    reviewer = world["users"]["reviewer_a"]
    closed = world["objects"]["a"]["item"]
    as_(client, world, "sysadmin")
    temporary = client.post(f"/admin/auth/user/{reviewer.pk}/password/").context["temporary"]
    client.logout()
    signed_in = client.post("/account/login/", {"username": "reviewer_a", "password": temporary})
    assert signed_in.status_code == 302
    assert client.get("/admin/", follow=True).redirect_chain[-1][0] == "/admin/password_change/"
    assert client.get("/admin/archive/item/").status_code == 302
    assert client.get("/staff/review/")["Location"] == "/admin/password_change/"
    assert client.get(f"/item/{quote(closed.ref_code)}").status_code == 404
    assert closed.title not in client.get("/search", {"q": "人事档案"}).content.decode()


def test_the_user_replaces_the_temporary_password_and_must_enrol_again(client, world):
    reviewer = world["users"]["reviewer_a"]
    as_(client, world, "sysadmin")
    temporary = client.post(f"/admin/auth/user/{reviewer.pk}/password/").context["temporary"]
    client.logout()
    client.post("/account/login/", {"username": "reviewer_a", "password": temporary})
    same = client.post(
        "/admin/password_change/",
        {"old_password": temporary, "new_password1": temporary, "new_password2": temporary},
    )
    assert "新密码不能与当前（临时）密码相同" in same.content.decode()
    own = "Reviewer-Own-2026!x"
    changed = client.post(
        "/admin/password_change/",
        {"old_password": temporary, "new_password1": own, "new_password2": own},
    )
    assert changed.status_code == 302
    reviewer.refresh_from_db()
    assert reviewer.check_password(own) and not must_change(reviewer)
    assert client.get("/admin/", follow=True).redirect_chain[-1][0] == "/account/totp/"


def test_an_account_added_in_the_admin_starts_with_a_temporary_password(client, world):
    as_(client, world, "sysadmin")
    typed = "Typed-By-Sysadmin-2026"
    client.post(
        "/admin/auth/user/add/",
        {"username": "newcomer", "password1": typed, "password2": typed, "usable_password": "true"},
    )
    newcomer = User.objects.get(username="newcomer")
    assert newcomer.check_password(typed) and must_change(newcomer)


def test_nobody_resets_their_own_password_through_the_reset_page(client, world):
    sysadmin = as_(client, world, "sysadmin")
    response = client.post(f"/admin/auth/user/{sysadmin.pk}/password/")
    assert response.status_code == 302 and response["Location"] == "/admin/password_change/"
    sysadmin.refresh_from_db()
    assert sysadmin.check_password(PASSWORD) and not must_change(sysadmin)


def test_totp_secrets_are_never_shown_in_the_admin(client, world):
    root = User.objects.create_user("root", password=PASSWORD, is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(
        user=world["users"]["reviewer_a"], name="手机", confirmed=True
    )
    verified_login(client, root)
    for url in (
        "/admin/otp_totp/totpdevice/",
        f"/admin/otp_totp/totpdevice/{device.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert device.key not in body and "otpauth://" not in body and "qrcode" not in body
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code != 200
    as_(client, world, "secadmin")
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 403


def test_createsuperuser_is_refused_with_directions(db):
    with pytest.raises(CommandError) as refused:
        call_command("createsuperuser", "--noinput", "--username", "root", "--email", "r@x.cn")
    assert "lantai createuser" in str(refused.value) and "--role" in str(refused.value)
    assert not User.objects.filter(username="root").exists()


# TOTP: a staff session must be verified --------------------------------------------------------


@pytest.mark.parametrize("persona", STAFF)
def test_a_password_only_staff_session_sees_no_more_than_the_public(client, world, persona):
    client.force_login(world["users"][persona])
    closed = world["objects"]["a"]["item"]
    assert client.get("/admin/").status_code == 302
    for url in MODELS.values():
        assert client.get(url).status_code == 302, url
    assert client.get("/staff/review/").status_code in (302, 403)  # 403: not a reviewer at all
    assert client.get(f"/item/{quote(closed.ref_code)}").status_code == 404


def test_a_session_opened_before_enrolment_must_sign_in_again(client, world):
    reviewer = world["users"]["reviewer_a"]
    client.force_login(reviewer)  # signed in with the password, before any device existed
    TOTPDevice.objects.create(user=reviewer, name="刚绑定的手机", confirmed=True)
    response = client.get("/staff/review/")
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")
    closed = world["objects"]["a"]["item"]
    assert client.get(f"/item/{quote(closed.ref_code)}").status_code == 404


def test_a_verified_session_sees_the_own_fonds_closed_records(client, world):
    as_(client, world, "reviewer_a")
    closed = world["objects"]["a"]["item"]
    assert client.get(f"/item/{quote(closed.ref_code)}").status_code == 200
    assert client.get("/staff/review/").status_code == 200


# The auditor audits actions, not content -------------------------------------------------------


def test_audit_rows_name_records_by_refcode_and_keep_values_as_digests(client, world):
    item = world["objects"]["a"]["item"]
    secret = "身份证号 110101199003071234"
    item.description = secret
    item.save()
    as_(client, world, "auditor")
    listing = client.get("/admin/audit/auditevent/", {"q": item.ref_code}).content.decode()
    assert item.ref_code in listing and item.title not in listing
    update = AuditEvent.objects.get(
        action="update", object_type="archive.item", object_id=str(item.pk)
    )
    page = client.get(f"/admin/audit/auditevent/{update.seq}/change/").content.decode()
    for body in (page, str(AuditEvent.objects.values_list("detail", flat=True)[:1000])):
        assert secret not in body and "110101199003071234" not in body
    _old, new = update.detail["changes"]["description"]
    assert matches("archive.item", "description", secret, new)
    assert not matches("archive.item", "description", "别的内容", new)
    assert not matches("archive.item", "title", secret, new)  # a digest belongs to its field
    assert update.object_repr == item.ref_code
    assert verify().ok


def test_the_auditor_checks_a_value_in_the_admin_and_the_check_is_audited(client, world):
    item = world["objects"]["a"]["item"]
    item.title = "改过的延期题名"
    item.save()
    update = AuditEvent.objects.get(
        action="update", object_type="archive.item", object_id=str(item.pk)
    )
    as_(client, world, "auditor")
    url = f"/admin/audit/auditevent/{update.seq}/check/"
    yes = client.post(url, {"field": "title", "value": "改过的延期题名"})
    assert yes.context["outcome"] == {"old": False, "new": True}
    no = client.post(url, {"field": "title", "value": "猜的题名"})
    assert no.context["outcome"] == {"old": False, "new": False}
    assert AuditEvent.objects.filter(action="audit_value_checked").count() == 2
    as_(client, world, "archivist_a")
    assert client.get(url).status_code == 403
    assert verify().ok


def test_audit_check_command_verifies_a_value(world, capsys):
    item = world["objects"]["a"]["item"]
    item.title = "命令行核对的题名"
    item.save()
    events = AuditEvent.objects.filter(object_type="archive.item", object_id=str(item.pk))
    seq = events.get(action="update").seq
    call_command("audit", "check", str(seq), "title", "命令行核对的题名")
    assert "新值一致" in capsys.readouterr().out
