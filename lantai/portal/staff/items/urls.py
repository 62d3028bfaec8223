from django.urls import path

from lantai.portal.staff.items import record, scheme, views, volumes

urlpatterns = [
    path("", views.fonds_list, name="items-fonds"),
    path("<str:fonds>/", views.item_list, name="items-list"),
    path("<str:fonds>/bulk/", views.bulk, name="items-bulk"),
    path("<str:fonds>/catalogue.xlsx", views.filing_catalogue, name="items-catalogue"),
    path(
        "<str:fonds>/catalogue.pdf",
        views.filing_catalogue,
        {"fmt": "pdf"},
        name="items-catalogue-pdf",
    ),
    path("<str:fonds>/register/", record.register, name="items-register"),
    path("<str:fonds>/series/", scheme.series_tree, name="series-tree"),
    path("<str:fonds>/series/new/", scheme.series_add, name="series-add"),
    path("<str:fonds>/series/<int:pk>/<str:action>/", scheme.series_change, name="series-change"),
    path("<str:fonds>/about/", scheme.fonds_settings, name="fonds-settings"),
    path("<str:fonds>/item/<int:pk>/", record.edit, name="items-edit"),
    path("<str:fonds>/volumes/", volumes.volume_list, name="volumes-list"),
    path("<str:fonds>/volumes/catalogue.xlsx", volumes.volume_catalogue, name="volumes-catalogue"),
    path(
        "<str:fonds>/volumes/catalogue.pdf",
        volumes.volume_catalogue,
        {"fmt": "pdf"},
        name="volumes-catalogue-pdf",
    ),
    path("<str:fonds>/volumes/new/", volumes.build, name="volumes-build"),
    path("<str:fonds>/volumes/<int:pk>/", volumes.detail, name="volumes-detail"),
    path(
        "<str:fonds>/volumes/<int:pk>/contents.xlsx",
        volumes.contents_sheet,
        name="volumes-contents",
    ),
    path(
        "<str:fonds>/volumes/<int:pk>/contents.pdf",
        volumes.contents_sheet,
        {"fmt": "pdf"},
        name="volumes-contents-pdf",
    ),
    path("<str:fonds>/volumes/<int:pk>/note.xlsx", volumes.note_sheet, name="volumes-note"),
    path(
        "<str:fonds>/volumes/<int:pk>/note.pdf",
        volumes.note_sheet,
        {"fmt": "pdf"},
        name="volumes-note-pdf",
    ),
    path("<str:fonds>/volumes/<int:pk>/<str:action>/", volumes.change, name="volumes-change"),
    path("<str:fonds>/item/<int:pk>/renumber/", views.renumber, name="items-renumber"),
]
