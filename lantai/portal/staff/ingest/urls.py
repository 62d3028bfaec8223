from django.urls import path

from lantai.portal.staff.ingest import attach, views

urlpatterns = [
    path("", views.upload, name="ingest-upload"),
    path("attach/", attach.attach_scans, name="ingest-attach"),
    path("task/<str:task_id>/", views.task_status, name="ingest-task"),
    path("batch/<str:code>/", views.batch_detail, name="ingest-batch"),
    path("batch/<str:code>/void/", views.batch_void, name="ingest-batch-void"),
    path("batch/<str:code>/register.xlsx", views.batch_register, name="ingest-register"),
    path(
        "batch/<str:code>/register.pdf",
        views.batch_register,
        {"fmt": "pdf"},
        name="ingest-register-pdf",
    ),
    path("batch/<str:code>/report.xlsx", views.batch_report, name="ingest-report"),
    path(
        "batch/<str:code>/report.pdf", views.batch_report, {"fmt": "pdf"}, name="ingest-report-pdf"
    ),
]
