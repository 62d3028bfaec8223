"""Who may see which records: the ONE definition, beside the models it filters.

- The public (anonymous or registered): ``open`` items of fonds whose catalogue is public.
- 档案员 and 开放审核员: every item of the fonds they are assigned to (any open status —
  arranging and reviewing both need the closed ones), plus what the public sees.
- The three admin roles see no more record content than the public: 三员分立 keeps system,
  security and audit administration apart from the records themselves.
- A superuser (development only; production has none) sees everything.
- Staff privileges count only in a session verified with a TOTP code
  (:mod:`lantai.accounts.totp`): a web request's user carries ``is_verified`` (django-otp's
  middleware), and an unverified one sees what the public sees. A user object without it comes
  from the server side (the ``lantai`` command, tasks), where the operator is trusted.

A record of a voided batch (作废, ``lantai.ingest.void``) is no longer part of the holdings:
:func:`held_condition` takes it out of every staff list, page and search as the batch state
already takes it out of the public's; only the superuser's search still finds it.

New records are ``unreviewed``, which only assigned staff see: the system fails closed.
``controlled`` items are released per approved utilisation request (a later feature), never here.

Decisions:

- **Used through the models**: ``Item.objects.visible_to(user)`` and
  ``Fonds.objects.assigned_to(user)`` (``lantai.archive.models``) are the predicates every list,
  page, export and search filter uses; this module holds the conditions they are built from.
- **A permission, not a role list**: fonds-scoped work is "holds ``archive.view_item``"
  (:data:`FONDS_WORK_PERMISSION`). The roles that carry it are defined in
  ``lantai.accounts.roles`` (档案员, 开放审核员; no admin role), which this module does not
  import: the archive app sits below access.
- **The same policy as search-index tokens** (access inside the query): :func:`item_search_tokens`
  for the indexer, :func:`user_search_tokens` for a searcher, kept next to the conditions they
  mirror.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Q

# Held by the fonds-scoped roles only (lantai/accounts/roles.py; tests/access/test_policy.py
# checks that no admin role carries it).
FONDS_WORK_PERMISSION = "archive.view_item"


def public_condition(prefix: str = "") -> Q:
    # A batch still receiving (or undone) is not part of the holdings yet; items without a
    # batch (created by hand) are.
    return Q(**{f"{prefix}open_status": "open", f"{prefix}fonds__is_public": True}) & (
        Q(**{f"{prefix}batch__isnull": True}) | Q(**{f"{prefix}batch__state": "accepted"})
    )


def held_condition(prefix: str = "") -> Q:
    """Items that are part of the holdings for staff: not in a voided batch (items without a
    batch are). A subquery over the few voided batches, not a join: a fonds' list of 200 k
    records keeps its plan."""
    batches = apps.get_model("archive", "TransferBatch").objects.filter(state="voided")
    return Q(**{f"{prefix}batch__isnull": True}) | ~Q(
        **{f"{prefix}batch__in": batches.values("pk")}
    )


def _verified(user: Any) -> bool:
    check = getattr(user, "is_verified", None)
    return check is None or bool(check())


def _superuser(user: Any) -> bool:
    return bool(
        getattr(user, "is_superuser", False) and getattr(user, "is_active", False)
    ) and _verified(user)


def _fonds_staff(user: Any) -> bool:
    """Whether ``user`` acts as fonds staff now (active, verified, with the permission)."""
    return bool(
        getattr(user, "is_active", False)
        and getattr(user, "is_authenticated", False)
        and user.has_perm(FONDS_WORK_PERMISSION)
    ) and _verified(user)


def sees_whole_fonds(user: Any, fonds: Any) -> bool:
    """Whether ``user`` sees every held item of ``fonds`` (:func:`held_condition`): the same
    rule as :func:`item_condition` (a verified superuser, or verified staff assigned to that
    fonds), asked of one fonds so a fonds' list needs no per-row access filter."""
    if _superuser(user):
        return True
    return _fonds_staff(user) and fonds.staff.filter(pk=user.pk).exists()


def item_condition(user: Any, prefix: str = "") -> Q | None:
    """A filter for items visible to ``user``; None means everything."""
    if _superuser(user):
        return None
    condition = public_condition(prefix)
    if _fonds_staff(user):
        condition |= Q(**{f"{prefix}fonds__staff": user}) & held_condition(prefix)
    return condition


# --- the same policy expressed as search-index tokens (access inside the query) ---
PUBLIC_TOKEN = "public"


def fonds_token(code: str) -> str:
    return f"fonds:{code}"


def item_search_tokens(item: Any) -> list[str]:
    """Tokens indexed with an item: who may find it. Mirrors :func:`item_condition`: a record
    of a voided batch gets none, so only an unfiltered (superuser) search finds it."""
    if item.batch_id is not None and item.batch.state == "voided":
        return []
    tokens = [fonds_token(item.fonds.code)]
    if item.open_status == "open" and item.fonds.is_public:
        tokens.append(PUBLIC_TOKEN)
    return tokens


def user_search_tokens(user: Any) -> list[str] | None:
    """Tokens a user's searches may match; None means every record. Mirrors item_condition."""
    if _superuser(user):
        return None
    tokens = [PUBLIC_TOKEN]
    if _fonds_staff(user):
        fonds = apps.get_model("archive", "Fonds")
        codes = fonds.objects.assigned_to(user).values_list("code", flat=True)
        tokens += [fonds_token(code) for code in codes]
    return tokens


def sees_unredacted(user: Any, item: Any) -> bool:
    """Staff of the item's fonds read the full text; everyone else gets the masked copy."""
    if _superuser(user):
        return True
    if not _fonds_staff(user):
        return False
    return item.fonds.staff.filter(pk=user.pk).exists()


def fonds_condition(user: Any) -> Q | None:
    """The fonds ``user`` is assigned to; None means all of them (a superuser), and nobody
    signed in is assigned to none."""
    if _superuser(user):
        return None
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return Q(staff=user)
