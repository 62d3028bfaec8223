from django.urls import path

from lantai.portal.staff.audit import views

urlpatterns = [
    path("", views.event_list, name="audit-list"),
    path("verify/", views.verify_log, name="audit-verify"),
    path("<int:seq>/", views.event_detail, name="audit-event"),
]
