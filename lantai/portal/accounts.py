"""Accounts for the public and staff: register, sign in (throttled, optional TOTP), sign out.

Decisions:

- Django's auth forms and views are used as they are wherever they fit: ``UserCreationForm``
  (Django's password validators, Argon2 via ``PASSWORD_HASHERS``), ``AuthenticationForm``,
  ``LoginView`` and the POST-only ``LogoutView``. A registered member of the public is a plain
  user: no role (group), no staff flag (architecture §1).
- One sign-in view serves ``/account/login/`` (``LOGIN_URL``) and ``/admin/login/`` (through
  :class:`lantai.accounts.totp.LantaiAdminSite`), so both pass the same throttle and TOTP rule.
- The TOTP code is an optional field of the same form rather than a second page: no
  half-signed-in state to keep in the session. It is required once the account has a confirmed
  device; a wrong code counts as a failed sign-in for the throttle and the audit log.
- Throttled attempts get HTTP 429 with ``Retry-After`` and are audited as ``login_throttled``.
- Registration refuses taken, reserved and look-alike names with one message
  (:mod:`lantai.portal.usernames`), so the form is no oracle for which accounts exist; every
  attempt counts against the client address (:func:`lantai.accounts.throttle.registration_wait`),
  so the form cannot be used to probe names in bulk either.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm, UsernameField
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from lantai.accounts import throttle, totp
from lantai.accounts.roles import ROLES, role_codes
from lantai.audit.chain import record
from lantai.portal import usernames


class LoginForm(AuthenticationForm):
    """Username and password, plus the TOTP code for accounts that enabled it.

    Labels and the main errors are our own Chinese msgids, translated like the rest of the
    portal (the browser's language, Chinese by default), so the page speaks one language.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确（区分大小写）。"),
        "inactive": _("该账号已停用。"),
    }

    otp_token = forms.CharField(
        label=_("动态口令"),
        required=False,
        max_length=8,
        help_text=_("已启用两步验证的工作人员填写验证器中的 6 位数字；其他用户留空。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and totp.has_device(user):
            device = totp.match(user, self.cleaned_data.get("otp_token", ""))
            if device is None:
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": user.get_username()},
                    request=self.request,
                )
                self.user_cache = None
                raise forms.ValidationError(
                    gettext("动态口令缺失或错误，请输入验证器中当前的 6 位数字。")
                )
            # django_otp.login() marks the session verified on login; the attribute is
            # django_otp's, not a field of the User model.
            user.__dict__["otp_device"] = device
        return cleaned


class LoginView(auth_views.LoginView):
    """Django's sign-in view behind the login throttle."""

    form_class = LoginForm
    template_name = "portal/account/login.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        wait = throttle.seconds_blocked(username, throttle.client_ip(request))
        if wait:
            return self.refuse(username, wait)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        request = self.request
        throttle.record_failure(request.POST.get("username", ""), throttle.client_ip(request))
        return super().form_invalid(form)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        throttle.clear(form.get_user().get_username())
        return super().form_valid(form)

    def refuse(self, username: str, wait: int) -> HttpResponse:
        record(
            "login_throttled",
            object_type="auth.user",
            object_repr=username[:150],
            outcome="failure",
            actor="anonymous",
            detail={"ip": throttle.client_ip(self.request), "retry_after_s": wait},
        )
        minutes = max(1, -(-wait // 60))
        context = self.get_context_data(
            form=self.get_form_class()(self.request),
            throttled=gettext("登录失败次数过多，已暂停登录。请 %(minutes)s 分钟后再试。")
            % {"minutes": minutes},
        )
        response = self.render_to_response(context, status=429)
        response["Retry-After"] = str(wait)
        return response


def admin_login(request: HttpRequest) -> HttpResponseBase:
    """``/admin/login/`` (routed in ``lantai/urls.py`` ahead of the admin site): the same
    throttled, TOTP-aware sign-in as ``/account/login/``, going on to the back office. A signed-in
    user who must first replace a temporary password or enrol TOTP is sent there."""
    if request.method == "GET" and request.user.is_authenticated:
        block = totp.staff_block(request)
        if block and block != reverse("login"):
            return redirect(block)
    return LoginView.as_view(next_page=reverse("admin:index"))(request)


class RegisterForm(UserCreationForm):
    """Username, optional e-mail and the password twice (Django's validators apply).

    The name check replaces ``UserCreationForm``'s (which only folds case and says "already
    exists"): one message for taken, reserved and look-alike names alike.
    """

    error_messages = {
        **UserCreationForm.error_messages,
        "unavailable": _("该用户名不可用，请换一个。"),
    }

    class Meta:  # UserCreationForm.Meta with the e-mail field added
        model = User
        fields = ("username", "email")
        field_classes = {"username": UsernameField}
        labels = {"username": _("用户名"), "email": _("电子邮箱（选填）")}
        help_texts = {"username": _("不超过 150 个字符，可用字母、数字和 @ . + - _。")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("密码")
        self.fields["password2"].label = _("再次输入密码")
        self.fields["password2"].help_text = _("请再输入一次密码以确认。")

    def clean_username(self) -> str:
        username = self.cleaned_data.get("username", "")
        if username and not usernames.available(username):
            raise forms.ValidationError(self.error_messages["unavailable"], code="unavailable")
        return username

    def validate_unique(self) -> None:
        """Django's own uniqueness query would run for a free name only (a refused name is
        already excluded), one query of difference; clean_username's skeleton check covers it,
        and the unique index catches a concurrent registration (see :func:`register`)."""
        # The model's fields this form does not edit, as ModelForm leaves out, and username.
        exclude = {f.name for f in User._meta.fields if f.name not in self.fields} | {"username"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as error:
            self.add_error(None, error)


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "HEAD", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Create a role-less, non-staff account and sign it in."""
    if request.user.is_authenticated:
        return redirect("account")
    if request.method == "POST":
        ip = throttle.client_ip(request)
        wait = throttle.registration_wait(ip)
        if wait:
            return _registration_refused(request, ip, wait)
        throttle.record_registration(ip)
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:  # the same name registered between the check and the save
            form.add_error("username", form.error_messages["unavailable"])
        else:
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("account")
    return render(request, "portal/account/register.html", {"form": form})


def _registration_refused(request: HttpRequest, ip: str, wait: int) -> HttpResponse:
    record(
        "register_throttled",
        object_type="auth.user",
        object_repr="",
        outcome="failure",
        actor="anonymous",
        detail={"ip": ip, "retry_after_s": wait},
    )
    minutes = max(1, -(-wait // 60))
    context = {
        "form": RegisterForm(),
        "throttled": gettext("注册尝试过于频繁，已暂停注册。请 %(minutes)s 分钟后再试。")
        % {"minutes": minutes},
    }
    response = render(request, "portal/account/register.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own page: name, roles, two-step status."""
    user = request.user
    context = {
        "roles": [ROLES[code].title for code in sorted(role_codes(user))],
        "totp_enabled": totp.has_device(user),
        "verified": totp.is_verified(request),
    }
    return render(request, "portal/account/account.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol, confirm or remove the staff user's TOTP device."""
    user = request.user
    if not user.is_staff:
        raise PermissionDenied(gettext("两步验证仅面向工作人员账号。"))
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        code = request.POST.get("code", "")
        if action == "start" and not totp.has_device(user):
            totp.start_enrolment(user)
            return redirect("account-totp")
        if action == "confirm" and (device := totp.pending_device(user)):
            if totp.confirm(device, code):
                from django_otp import login as otp_login

                otp_login(request, device)
                return redirect("account-totp")
            error = gettext("口令不正确，请核对手机时间后输入验证器中当前的 6 位数字。")
        elif action == "disable" and totp.has_device(user):
            if totp.match(user, code):
                for device in totp.confirmed_devices(user):
                    device.delete()
                return redirect("account-totp")
            error = gettext("口令不正确，未停用两步验证。")
    return render(request, "portal/account/totp.html", _totp_context(user, error))


def _totp_context(user: Any, error: str) -> dict[str, Any]:
    pending = None if totp.has_device(user) else totp.pending_device(user)
    return {
        "enabled": totp.has_device(user),
        "pending": pending,
        "qr_svg": totp.qr_svg(pending) if pending else "",
        "secret": totp.secret_text(pending) if pending else "",
        "error": error,
    }
