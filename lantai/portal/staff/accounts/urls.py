from django.urls import path

from lantai.portal.staff.accounts import views

urlpatterns = [
    path("", views.account_list, name="accounts-list"),
    path("new/", views.create, name="accounts-create"),
    path("<int:pk>/", views.detail, name="accounts-detail"),
    path("<int:pk>/<str:action>/", views.act, name="accounts-act"),
]
