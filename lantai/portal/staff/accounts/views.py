"""Account administration for the system and security administrators (三员分立), in the portal.

Decisions:

- The pages show accounts, roles, fonds assignments, TOTP enrolment and lock state: never a
  record, a TOTP secret or a password hash. Only the system and security administrators open
  them (``auth.view_user``); the auditor and the business roles are refused.
- What each administrator may do is decided in :mod:`lantai.accounts.manage`; the page offers
  exactly its ``allowed`` actions and every POST goes through the same functions, so a crafted
  request gets the same refusal as a missing button.
- A temporary password is shown once, on the response to the action that made it, with
  ``Cache-Control: no-store``; it is never stored in the session or a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from lantai.accounts import manage
from lantai.accounts.decorators import staff_view
from lantai.accounts.roles import ROLES, role_codes
from lantai.accounts.totp import has_device
from lantai.archive.models import Fonds

User = get_user_model()
PER_PAGE = 50
admin_required = staff_view("auth.view_user")


@admin_required
def account_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:150]
    accounts = User.objects.filter(Q(is_staff=True) | Q(groups__isnull=False)).distinct()
    if query:
        accounts = accounts.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(email__icontains=query)
        )
    page = Paginator(
        accounts.order_by("username").prefetch_related("groups", "assigned_fonds"), PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "staffaccounts/list.html",
        {
            "page": page,
            "rows": [_summary(user) for user in page],
            "query": query,
            "may_create": _creates_accounts(request.user),
        },
    )


def _creates_accounts(user) -> bool:
    return "sysadmin" in role_codes(user) or user.is_superuser


def _summary(user) -> dict[str, object]:
    return {
        "user": user,
        "roles": [ROLES[c].title for c in sorted(role_codes(user))],
        "fonds": sorted(f.code for f in user.assigned_fonds.all()),
        "enrolled": has_device(user),
        "locked": manage.is_locked(user),
    }


@admin_required
def detail(request: HttpRequest, pk: int, *, shown: dict | None = None) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    allowed = manage.allowed(request.user, user)
    response = render(
        request,
        "staffaccounts/detail.html",
        {
            **_summary(user),
            "allowed": allowed,
            "business_roles": [(c, ROLES[c].title) for c in manage.BUSINESS_ROLES],
            "all_fonds": Fonds.objects.order_by("code") if "fonds" in allowed else [],
            **(shown or {}),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@admin_required
def create(request: HttpRequest) -> HttpResponseBase:
    if not _creates_accounts(request.user):
        raise PermissionDenied
    error, values = "", {"username": "", "full_name": "", "email": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            user, temporary = manage.create_account(request.user, **values)
        except manage.AccountRefused as refused:
            error = str(refused)
        else:
            return detail(request, user.pk, shown={"temporary": temporary, "created": True})
    return render(request, "staffaccounts/create.html", {"error": error, "values": values})


@require_POST
@admin_required
def act(request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
    user = get_object_or_404(User, pk=pk)
    try:
        if action in ("disable", "enable"):
            manage.set_active(request.user, user, action == "enable")
            messages.success(
                request, gettext("已停用账号。") if action == "disable" else gettext("已启用账号。")
            )
        elif action == "unlock":
            manage.unlock(request.user, user)
            messages.success(request, gettext("已解除登录锁定。"))
        elif action == "reset":
            reset = manage.reset_password(request.user, user)
            return detail(
                request, pk, shown={"temporary": reset.temporary, "notified": reset.notified}
            )
        elif action == "roles":
            manage.set_roles(request.user, user, set(request.POST.getlist("roles")))
            messages.success(request, gettext("已更新角色。"))
        elif action == "fonds":
            manage.set_fonds(request.user, user, set(request.POST.getlist("fonds")))
            messages.success(request, gettext("已更新分管全宗。"))
        else:
            raise Http404
    except manage.AccountRefused as refused:
        messages.error(request, str(refused))
    return redirect("accounts-detail", pk)
