from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from lantai.api import api
from lantai.portal import accounts, delivery, errors, search_views, views
from lantai.portal.sitemaps import OpenItemSitemap
from lantai.runtime import health

admin.site.site_header = _("兰台 Lantai 业务后台")
admin.site.site_title = _("兰台 Lantai")
admin.site.index_title = _("档案业务管理")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("search", search_views.search_page, name="search"),
    path("catalogue", views.open_catalogue, name="open-catalogue"),
    path("sitemap.xml", sitemap, {"sitemaps": {"items": OpenItemSitemap}}, name="sitemap"),
    path("item/<str:ref_code>/file/<int:component_id>", delivery.deliver, name="deliver"),
    path("item/<path:ref_code>", views.item_detail, name="item"),
    # The back office signs in through the portal's throttled, TOTP-aware login (ahead of the
    # admin site's own /admin/login/); admin.site is lantai.accounts.totp.LantaiAdminSite.
    path("admin/login/", accounts.admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("account/", include("lantai.portal.account_urls")),
    path("api/", api.urls),
    path("staff/ingest/", include("lantai.portal.staff.ingest.urls")),
    path("staff/review/", include("lantai.portal.staff.review.urls")),
    path("staff/items/", include("lantai.portal.staff.items.urls")),
    path("staff/accounts/", include("lantai.portal.staff.accounts.urls")),
    path("staff/audit/", include("lantai.portal.staff.audit.urls")),
]

# The portal's own Chinese-first error pages (lantai/portal/errors.py), never Django's defaults.
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
