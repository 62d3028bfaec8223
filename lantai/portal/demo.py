"""Set up the demo: one account per role and the bundled sample archive.

The sample (``lantai/sample/``) is a fictional district archive written for the project, laid
out as transfer submissions (folder + 目录.csv per fonds) plus the reviewer's decisions
(开放审核.csv). Loading is idempotent: a second ``lantai demo`` reuses what is there.
"""

from __future__ import annotations

import csv
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from lantai.access.review import decide
from lantai.access.roles import ROLES, assign_role
from lantai.archive.models import Fonds, Item

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample"
DEMO_ARCHIVE_NAME = "兰台区档案馆"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    password: str | None  # None when the account already existed (password not shown again)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def create_accounts() -> list[DemoAccount]:
    """One account per staff role; business roles are assigned every sample fonds."""
    User = get_user_model()
    accounts = []
    for code, role in ROLES.items():
        user = User.objects.filter(username=code).first()
        password = None
        if user is None:
            password = secrets.token_urlsafe(9)
            with transaction.atomic():
                user = User.objects.create_user(code, password=password, first_name=role.title)
                assign_role(user, code)
        if code in ("archivist", "reviewer"):
            for fonds in Fonds.objects.all():
                fonds.staff.add(user)
        accounts.append(DemoAccount(code, role.title, password))
    return accounts


def create_fonds() -> None:
    for row in read_csv(SAMPLE_DIR / "全宗.csv"):
        Fonds.objects.get_or_create(
            code=row["全宗号"],
            defaults={
                "name": row["全宗名称"],
                "description": row["全宗介绍"],
                "archive_name": DEMO_ARCHIVE_NAME,
            },
        )


def fonds_dirs() -> list[Path]:
    return sorted(p for p in SAMPLE_DIR.iterdir() if (p / "目录.csv").exists())


def apply_review_decisions() -> int:
    """Apply the sample reviewer's decisions to items that are still unreviewed."""
    applied = 0
    for row in read_csv(SAMPLE_DIR / "开放审核.csv"):
        item = Item.objects.filter(ref_code=row["档号"], open_status="unreviewed").first()
        if item is not None:
            decide(item, row["审核结论"], row["理由"])
            applied += 1
    return applied


def _row_text(folder: Path, names: str) -> str:
    from lxml import html as lxml_html

    for name in names.split(";"):
        path = folder / name
        if path.suffix == ".txt":
            return path.read_text(encoding="utf-8").strip()
        if path.suffix == ".html":
            return lxml_html.fromstring(path.read_bytes()).text_content().strip()
    return ""


def load_sample_items() -> int:
    """Create the sample items from the catalogues (records only; files arrive via ingest)."""
    from lantai.archive.allocation import reserve_existing
    from lantai.archive.domains import normalise_retention

    created = 0
    for folder in fonds_dirs():
        fonds = Fonds.objects.get(code=folder.name)
        with transaction.atomic():
            for row in read_csv(folder / "目录.csv"):
                if Item.objects.filter(ref_code=row["档号"]).exists():
                    continue
                parsed = fonds.grammar.parse(row["档号"])
                reserve_existing(fonds, parsed.text)
                Item.objects.create(
                    fonds=fonds,
                    ref_code=parsed.text,
                    category=row["门类"],
                    year=int(row["年度"]),
                    org_code=row["机构问题"],
                    number=parsed.number,
                    title=row["题名"],
                    creator=row["责任者"],
                    date=row["日期"],
                    doc_number=row["文号"],
                    retention=normalise_retention(row["保管期限"]),
                    retention_original=row["保管期限"],
                    classification=row["密级"],
                    pages=int(row["页数"] or 0) or None,
                    topics=[t for t in row["主题词"].split(";") if t],
                    text=_row_text(folder, row["文件名"]),
                )
                created += 1
    return created


def load_sample() -> tuple[int, int]:
    create_fonds()
    return load_sample_items(), apply_review_decisions()
