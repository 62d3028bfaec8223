from django.contrib import admin

from lantai.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: auditors read the log; nobody edits it, not even through the admin."""

    list_display = ["seq", "timestamp", "actor", "action", "object_type", "object_repr", "outcome"]
    list_filter = ["action", "outcome", "object_type"]
    search_fields = ["actor", "object_repr", "object_id"]
    ordering = ["-seq"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
