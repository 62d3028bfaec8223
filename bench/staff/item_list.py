"""First page of the archivists' item list for a fonds of 200 k records (issue 15).

Target: the first page of ``/staff/items/<全宗号>/`` under 300 ms with 200,000 records in the
fonds. Peer: the Django admin's item changelist (``/admin/archive/item/``), the staff's page
before issue 15, on the same data in the same process.

How it measures, in a fresh ``LANTAI_DATA_DIR`` (SQLite, the embedded default, unless
``LANTAI_DATABASE_URL`` names an empty PostgreSQL database):

1. ``migrate``; one fonds J001 and ``--records`` items bulk-inserted (years 1950–2025, four
   门类, three retention periods, one in ten with a full text, one in three open).
2. An archivist of J001 with a confirmed TOTP device, signed in with an OTP-verified session
   (as after a real sign-in), through Django's test client: the whole view, its queries and its
   template, without a network in between.
3. Each page is requested ``--runs`` times after one warm-up; median and worst are printed.

    .venv/bin/python bench/staff/item_list.py --records 200000
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.test import Client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    os.environ.setdefault("LANTAI_DATA_DIR", tempfile.mkdtemp(prefix="lantai-bench-items-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantai.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    client, superuser = _setup(args.records)
    pages = {
        "item list, first page": "/staff/items/J001/",
        "item list, year filter": "/staff/items/J001/?year=2001",
        "item list, newest first": "/staff/items/J001/?sort=-year",
        "item list, title filter": "/staff/items/J001/?title=会议",
        "item list, page 2000": "/staff/items/J001/?page=2000",
        "peer: admin changelist": "/admin/archive/item/",
    }
    print(f"records in the fonds: {args.records:,}; runs per page: {args.runs}")
    print("| page | median ms | worst ms |")
    print("|---|---|---|")
    for name, url in pages.items():
        # Since issue 15 the admin shows the archival model to no role: the peer page is timed
        # as the development superuser sees it, which is the page archivists used before.
        times = _time(superuser if name.startswith("peer") else client, url, args.runs)
        print(f"| {name} | {statistics.median(times):.0f} | {max(times):.0f} |")


def _setup(records: int) -> tuple[Client, Client]:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lantai.accounts.roles import assign_role
    from lantai.archive.models import Fonds, Item

    fonds = Fonds.objects.create(code="J001", name="兰台区人民政府办公室")
    categories, retentions = ("WS", "ZP", "KJ", "HJ"), ("Y", "D30", "D10")
    start = time.perf_counter()
    batch = []
    for n in range(1, records + 1):
        year = 1950 + n % 76
        batch.append(
            Item(
                fonds=fonds,
                ref_code=f"J001-WS-{year}-Y-BGS-{n:06d}",
                category=categories[n % 4],
                year=year,
                org_code="BGS",
                number=n,
                title=f"关于{year}年第{n}号会议的通知" if n % 7 else f"{year}年度工作总结{n}",
                date=f"{year}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                retention=retentions[n % 3],
                open_status="open" if n % 3 == 0 else "unreviewed",
                text="全文" * 200 if n % 10 == 0 else "",
            )
        )
        if len(batch) == 5000:
            Item.objects.bulk_create(batch)
            batch = []
    Item.objects.bulk_create(batch)
    print(f"inserted {records:,} records in {time.perf_counter() - start:.0f} s")
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load: without statistics the planner takes the
        # fonds for 50 rows and sorts all 200 k of them for the first page (330 ms, not 110).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    user = get_user_model().objects.create_user("bench-archivist", password="x")
    assign_role(user, "archivist")
    fonds.staff.add(user)
    superuser = get_user_model().objects.create_user(
        "bench-superuser", password="x", is_staff=True, is_superuser=True
    )
    clients = []
    for who in (user, superuser):
        device = TOTPDevice.objects.create(user=who, name="bench", confirmed=True)
        client = Client()
        client.force_login(who)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        clients.append(client)
    return clients[0], clients[1]


def _time(client: Client, url: str, runs: int) -> list[float]:
    first = client.get(url)
    if first.status_code != 200:
        sys.exit(f"{url}: HTTP {first.status_code}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return times


if __name__ == "__main__":
    main()
