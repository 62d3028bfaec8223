"""Error pages are the portal's own, Chinese first; HEAD is answered wherever GET is."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path

import lantai.urls

# A URLconf for these tests: the real one plus a view that fails and one that refuses.


def _broken(request):
    raise RuntimeError("secret internals: SELECT * FROM auth_user")


def _refused(request):
    raise PermissionDenied("internal reason in English")


urlpatterns = [
    path("boom", _broken),
    path("refused", _refused),
    *lantai.urls.urlpatterns,
]
# Django's defaults where lantai.urls names none, so a missing handler fails a test, not the import.
handler400 = getattr(lantai.urls, "handler400", "django.views.defaults.bad_request")
handler403 = getattr(lantai.urls, "handler403", "django.views.defaults.permission_denied")
handler404 = getattr(lantai.urls, "handler404", "django.views.defaults.page_not_found")
handler500 = getattr(lantai.urls, "handler500", "django.views.defaults.server_error")

DJANGO_DEFAULT_WORDING = (
    "Not Found",
    "Forbidden",
    "Server Error",
    "CSRF verification failed",
    "Traceback",
    "The requested resource",
)


@pytest.fixture
def urls_with_failures(settings):
    settings.ROOT_URLCONF = __name__


def assert_portal_page(response, status, heading):
    body = response.content.decode()
    assert response.status_code == status
    assert '<html lang="zh-Hans">' in body
    assert heading in body
    assert 'class="brand"' in body  # the portal's header: it extends portal/base.html
    assert not [words for words in DJANGO_DEFAULT_WORDING if words in body]
    return body


def test_a_missing_page_is_the_portals_chinese_404(client, db):
    assert_portal_page(client.get("/no/such/page"), 404, "页面不存在")


def test_a_closed_record_gets_the_same_404_as_a_missing_one(client, closed_item):
    body = assert_portal_page(client.get(f"/item/{quote(closed_item.ref_code)}"), 404, "页面不存在")
    assert closed_item.title not in body and closed_item.ref_code not in body


def test_the_404_speaks_english_when_the_browser_asks(client, db):
    body = client.get("/no/such/page", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in body
    assert "Page not found" in body and "页面不存在" not in body


def test_a_refusal_is_the_portals_chinese_403(client, public):
    client.force_login(public)
    body = assert_portal_page(client.get("/account/totp/"), 403, "无权访问")
    assert "退出" in body  # the header still knows who is signed in


def test_the_403_does_not_show_the_exceptions_message(client, db, urls_with_failures):
    body = assert_portal_page(client.get("/refused"), 403, "无权访问")
    assert "internal reason" not in body


def test_a_failure_is_the_portals_chinese_500_without_internals(db, urls_with_failures):
    client = Client(raise_request_exception=False)
    body = assert_portal_page(client.get("/boom"), 500, "服务器内部错误")
    assert "secret internals" not in body and "RuntimeError" not in body


def test_the_500_still_answers_when_its_template_fails(db, urls_with_failures, monkeypatch):
    from lantai.portal import errors

    def broken_loader(name):
        raise RuntimeError("template store unreachable")

    monkeypatch.setattr(errors.loader, "get_template", broken_loader)
    response = Client(raise_request_exception=False).get("/boom")
    assert response.status_code == 500
    assert "服务器内部错误" in response.content.decode()
    assert "template store unreachable" not in response.content.decode()


def test_a_request_for_a_host_not_served_is_the_portals_chinese_400(client, db):
    assert_portal_page(client.get("/", HTTP_HOST="evil.example"), 400, "请求有误")


def test_a_stale_form_gets_the_portals_csrf_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/account/login/", {"username": "citizen", "password": "x"})
    body = assert_portal_page(response, 403, "表单已失效")
    assert "刷新" in body
    assert "CSRF" not in body and "Referer" not in body


def test_the_csrf_view_is_configured(settings):
    from django.middleware.csrf import _get_failure_view

    from lantai.portal.errors import csrf_failure

    assert _get_failure_view() is csrf_failure


# HEAD -------------------------------------------------------------------------------------


@pytest.fixture
def safe_paths(open_item):
    return [
        "/",
        "/healthz",
        "/search?q=道路",
        f"/item/{quote(open_item.ref_code)}",
        "/catalogue",
        "/catalogue?format=xlsx",
        "/sitemap.xml",
        "/api/search?q=道路",
        "/api/openapi.json",
    ]


def test_head_is_answered_wherever_get_is(client, safe_paths):
    for url in safe_paths:
        get, head = client.get(url), client.head(url)
        assert (url, head.status_code) == (url, get.status_code) == (url, 200)
        assert head["Content-Type"] == get["Content-Type"], url


def test_head_is_answered_on_the_account_pages(client, archivist):
    for url in ("/account/login/", "/account/register/", "/admin/login/"):
        assert client.head(url).status_code == 200, url
    client.force_login(archivist)
    for url in ("/account/", "/account/totp/"):
        assert client.head(url).status_code == 200, url


def test_head_sends_no_body(client, open_item):
    response = client.head("/")
    assert response.status_code == 200 and response.content == b""


def test_unsafe_methods_are_still_refused_on_read_only_pages(client, open_item):
    for url in ("/", "/healthz", "/search", f"/item/{quote(open_item.ref_code)}", "/catalogue"):
        assert client.post(url).status_code == 405, url


# The API's docs page ------------------------------------------------------------------------


def test_the_cdn_loaded_api_docs_page_is_off(client, db):
    assert client.get("/api/docs").status_code == 404


def test_the_openapi_schema_stays(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/search" in response.json()["paths"]
