from django.urls import path

from lantai.portal.staff.items import record, views

urlpatterns = [
    path("", views.fonds_list, name="items-fonds"),
    path("<str:fonds>/", views.item_list, name="items-list"),
    path("<str:fonds>/bulk/", views.bulk, name="items-bulk"),
    path("<str:fonds>/catalogue.xlsx", views.filing_catalogue, name="items-catalogue"),
    path("<str:fonds>/register/", record.register, name="items-register"),
    path("<str:fonds>/item/<int:pk>/", record.edit, name="items-edit"),
    path("<str:fonds>/item/<int:pk>/renumber/", views.renumber, name="items-renumber"),
]
