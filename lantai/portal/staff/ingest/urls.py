from django.urls import path

from lantai.portal.staff.ingest import views

urlpatterns = [
    path("", views.upload, name="ingest-upload"),
    path("task/<str:task_id>/", views.task_status, name="ingest-task"),
    path("batch/<str:code>/", views.batch_detail, name="ingest-batch"),
    path("batch/<str:code>/void/", views.batch_void, name="ingest-batch-void"),
]
