"""``/account/…``: everyone's own account pages (views in :mod:`lantai.portal.accounts`)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from lantai.portal import accounts

urlpatterns = [
    path("", accounts.account, name="account"),
    path("register/", accounts.register, name="register"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path("totp/", accounts.totp_setup, name="account-totp"),
]
