from __future__ import annotations

from urllib.parse import quote

from tests.factories import verified_login


def test_healthz_answers_200(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_public_home_lists_open_item_but_not_closed_one(
    client, open_item, closed_item, unreviewed_item
):
    body = client.get("/").content.decode()
    assert open_item.title in body
    assert closed_item.title not in body
    assert unreviewed_item.title not in body


def test_public_user_cannot_open_closed_item_page(client, closed_item):
    response = client.get(f"/item/{quote(closed_item.ref_code)}")
    assert response.status_code == 404
    assert closed_item.title not in response.content.decode()


def test_public_user_can_open_an_open_item_page(client, open_item):
    response = client.get(f"/item/{quote(open_item.ref_code)}")
    assert response.status_code == 200
    assert open_item.ref_code in response.content.decode()


def test_archivist_can_open_closed_item_of_assigned_fonds(client, archivist, closed_item):
    verified_login(client, archivist)
    assert client.get(f"/item/{quote(closed_item.ref_code)}").status_code == 200


def test_a_records_page_links_its_staff_pages_for_the_staff_of_its_fonds_only(
    client, open_item, archivist, reviewer, other_fonds
):
    from tests.factories import make_user

    page = f"/item/{quote(open_item.ref_code)}"
    edit, review = f"/staff/items/J001/item/{open_item.pk}/", f"/staff/review/item/{open_item.pk}/"
    body = client.get(page).content.decode()
    assert edit not in body and review not in body
    verified_login(client, archivist)
    body = client.get(page).content.decode()
    assert edit in body and review not in body
    verified_login(client, reviewer)
    body = client.get(page).content.decode()
    assert review in body and edit not in body
    verified_login(client, make_user("reviewer_b", "reviewer", fonds=[other_fonds]))
    assert review not in client.get(page).content.decode()
