"""``/sitemap.xml``: the opened records, so search engines can find them (public surface).

Built from ``visible_to(AnonymousUser())`` like every public surface; Django paginates it at
50,000 URLs per page. ``lastmod`` is the record's last change.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from lantai.archive.models import Item


class OpenItemSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return (
            Item.objects.visible_to(AnonymousUser()).order_by("pk").only("ref_code", "updated_at")
        )

    def location(self, item: Item) -> str:
        return reverse("item", args=[item.ref_code])

    def lastmod(self, item: Item):
        return item.updated_at
