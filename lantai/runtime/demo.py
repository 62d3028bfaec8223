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
from lantai.accounts.roles import ROLES, assign_role
from lantai.archive.models import Fonds, Item

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample"
DEMO_ARCHIVE_NAME = "兰台区档案馆"
SAMPLE_AGENCIES = {
    "J001": "兰台区人民政府办公室",
    "J002": "兰台区卫生健康局",
    "J003": "兰台区乡村振兴局",
    "Z001": "兰台区档案馆征集",
}


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


def load_sample_items() -> int:
    """Receive each sample fonds folder through the real ingest pipeline (四性检测, AIPs, index).

    A fonds whose sample batch was accepted before is skipped, so the demo can be restarted.
    """
    from lantai.archive.models import TransferBatch
    from lantai.ingest.batch import IngestError, ingest

    created = 0
    for folder in fonds_dirs():
        already = TransferBatch.objects.filter(
            fonds__code=folder.name, state="accepted", source_name=str(folder)
        ).exists()
        if already:
            continue
        report = ingest(folder, fonds_code=folder.name, agency=SAMPLE_AGENCIES.get(folder.name, ""))
        if report.status != "accepted":
            failed = [c["code"] + " " + c["detail"] for c in report.checks if c["passed"] is False]
            raise IngestError(f"示例全宗 {folder.name} 未通过四性检测：" + "；".join(failed))
        created += report.items
    return created


def load_sample() -> tuple[int, int]:
    create_fonds()
    return load_sample_items(), apply_review_decisions()
