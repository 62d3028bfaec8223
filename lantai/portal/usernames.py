"""Which user names a member of the public may register (``/account/register/``).

Decisions:

- **Compared by skeleton, not by spelling.** A name is unavailable when its skeleton equals the
  skeleton of an existing account or of a reserved name. The skeleton is NFKC (full-width and
  other compatibility forms, as Django's ``normalize_username``), casefold, and the Unicode
  confusables mapping (UTS #39: Cyrillic ``а`` → Latin ``a``, ``0`` → ``O``, ``1``/``I`` →
  ``l``, ``m`` → ``rn`` …), applied twice so that a mapping that yields a capital is folded too.
  So ``ｒｅｖ１``, ``REV1``, ``revl`` and ``rеv1`` (Cyrillic е) are all taken once ``rev1``
  exists: a look-alike account could pass for a member of staff or another reader.
- **The confusables data** comes from ``confusable-homoglyphs`` (a base dependency: the Unicode
  consortium's ``confusables.txt`` as JSON, also what django-registration uses), loaded on the
  first registration rather than at start-up. NFKC already covers full-width forms.
- **Reserved names**: 公众 (the public persona), the archive's own name (``ARCHIVE_NAME``; a
  name that contains it is refused too), every role's Chinese title and code, and the usual
  English service names (admin, administrator, root, system, staff …). Separators
  (``. _ - + @``) are ignored for them, so ``sys_admin`` is ``sysadmin``.
- **One answer for every refusal.** Taken, reserved and look-alike all get the same message,
  and :func:`available` does the same work for each (it always scans every existing name and
  checks the reserved list), so neither the page nor its timing tells an existing account from
  a reserved or look-alike name.
- **Cost**: one pass over the existing user names per attempt, about 1 s per 100 000 accounts
  (registration is throttled per address). Past that, store the skeleton in an indexed column.
"""

from __future__ import annotations

import functools
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model

from lantai.accounts.roles import ROLES

SEPARATORS = str.maketrans("", "", "._-+@ \u3000")

RESERVED_WORDS = (
    "公众",
    "查档者",
    "管理员",
    "工作人员",
    "兰台",
    "lantai",
    "admin",
    "administrator",
    "root",
    "system",
    "staff",
    "superuser",
    "webmaster",
    "postmaster",
    "hostmaster",
    "security",
    "support",
    "official",
    "anonymous",
    "public",
    # the roles in English (their codes are added from ROLES)
    "open reviewer",
    "system administrator",
    "security administrator",
    "security auditor",
)


@functools.cache
def _translation() -> dict[int, str]:
    return {ord(char): target for char, target in confusables_table().items()}


@functools.cache
def confusables_table() -> dict[str, str]:
    """Each confusable character → its prototype (UTS #39 direction)."""
    # Imported on first use: the JSON behind it is loaded only when someone registers.
    from confusable_homoglyphs import confusables

    data = confusables.confusables_data
    table = {}
    # The data lists both directions: a source has one entry (its prototype), a prototype one
    # per source. A prototype with a single source is a mutual pair; both go to the smaller.
    for char, found in data.items():
        if len(char) != 1 or len(found) != 1:
            continue
        target = found[0]["c"].strip("\u200e\u200f")
        back = data.get(target, [])
        if len(back) == 1 and back[0]["c"] == char and target > char:
            continue
        if target and target != char:
            table[char] = target
    return table


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def skeleton(name: str) -> str:
    """The form two names share when they look alike (for comparison only, never shown)."""
    table = _translation()  # str.translate: the per-character loop runs in C
    text = _nfkc(name.strip())
    for _ in range(2):
        text = _nfkc(_nfkc(text.translate(table)).casefold())
    return text


def _bare(name: str) -> str:
    return skeleton(name).translate(SEPARATORS)


def reserved_skeletons() -> set[str]:
    words = [*RESERVED_WORDS, settings.ARCHIVE_NAME]
    for role in ROLES.values():
        words += [role.title, role.code]
    return {_bare(word) for word in words if word}


def available(name: str) -> bool:
    """May a new account take ``name``? Same work and same answer shape for every refusal."""
    wanted = skeleton(name)
    bare = wanted.translate(SEPARATORS)
    archive = _bare(settings.ARCHIVE_NAME)
    reserved = bare in reserved_skeletons() or bool(archive and archive in bare)
    clash = False
    users = get_user_model().objects.values_list(get_user_model().USERNAME_FIELD, flat=True)
    for existing in users.order_by().iterator(5000):
        # No early exit: the time taken must not depend on where (or whether) a match is.
        clash |= skeleton(existing) == wanted
    return not (reserved or clash)
