from django.urls import path

from lantai.portal.staff.review import chain, regions, views

urlpatterns = [
    path("", views.review_queue, name="review-queue"),
    path("item/<int:pk>/", views.review_item, name="review-item"),
    path("decide/", views.review_decide, name="review-decide"),
    path("register.xlsx", views.review_register, name="review-register"),
    path("register.pdf", views.review_register, {"fmt": "pdf"}, name="review-register-pdf"),
    path("item/<int:pk>/second/", chain.review_second, name="review-second"),
    path("item/<int:pk>/unmask/", views.review_unmask, name="review-unmask"),
    path("item/<int:pk>/file/<int:component_id>/", views.review_file, name="review-file"),
    path(
        "item/<int:pk>/file/<int:component_id>/page/<int:page>.jpg",
        regions.page_image,
        name="review-page",
    ),
    path(
        "item/<int:pk>/file/<int:component_id>/unmask/",
        regions.unmask_regions,
        name="review-unmask-regions",
    ),
]
