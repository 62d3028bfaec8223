"""Staff back office for the archival model (Django admin, Chinese first).

Querysets go through the visibility policy, so an archivist sees only the fonds assigned to
them; the open status is the reviewer's decision and read-only for everyone else.
"""

from __future__ import annotations

from django.contrib import admin

from lantai.access.policy import item_condition
from lantai.access.roles import role_codes
from lantai.archive.models import Component, Fonds, Item, Series, TransferBatch, Volume

REVIEW_FIELDS = ("open_status", "open_reason", "open_decided_at", "review_again")


def _fonds_scope(request) -> dict:
    user = request.user
    return {} if user.is_superuser else {"staff": user}


@admin.register(Fonds)
class FondsAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_public", "refcode_template", "number_width"]
    search_fields = ["code", "name"]
    filter_horizontal = ["staff"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(**_fonds_scope(request)).distinct()


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["fonds", "code", "name", "depth"]
    list_filter = ["fonds"]
    search_fields = ["code", "name"]

    def get_queryset(self, request):
        scope = {f"fonds__{k}": v for k, v in _fonds_scope(request).items()}
        return super().get_queryset(request).filter(**scope).distinct()


@admin.register(Volume)
class VolumeAdmin(admin.ModelAdmin):
    list_display = ["ref_code", "title", "year", "retention"]
    search_fields = ["ref_code", "title"]
    list_filter = ["fonds", "retention"]

    def get_queryset(self, request):
        scope = {f"fonds__{k}": v for k, v in _fonds_scope(request).items()}
        return super().get_queryset(request).filter(**scope).distinct()


class ComponentInline(admin.TabularInline):
    model = Component
    extra = 0
    fields = ["role", "original_name", "size", "format_id", "mime_type", "sha256", "sm3"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["ref_code", "title", "creator", "date", "category", "open_status"]
    list_filter = ["fonds", "category", "open_status", "retention", "year"]
    search_fields = ["ref_code", "title", "creator", "doc_number"]
    search_help_text = "按档号、题名、责任者或文号查找"
    readonly_fields = ["ref_code", "created_at", "updated_at", "batch"]
    inlines = [ComponentInline]
    list_per_page = 50

    def get_queryset(self, request):
        condition = item_condition(request.user)
        queryset = super().get_queryset(request).select_related("fonds")
        if condition is None:
            return queryset
        return queryset.filter(pk__in=Item.objects.filter(condition).values("pk"))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if "reviewer" not in role_codes(request.user) and not request.user.is_superuser:
            fields += REVIEW_FIELDS
        return fields


@admin.register(TransferBatch)
class TransferBatchAdmin(admin.ModelAdmin):
    list_display = ["code", "fonds", "agency", "state", "item_count", "file_count", "created_at"]
    list_filter = ["state", "fonds"]
    search_fields = ["code", "agency"]
    readonly_fields = ["report", "registration"]

    def get_queryset(self, request):
        scope = {f"fonds__{k}": v for k, v in _fonds_scope(request).items()}
        return super().get_queryset(request).filter(**scope).distinct()
