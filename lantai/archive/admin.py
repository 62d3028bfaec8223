"""Staff back office for the archival model (Django admin, Chinese first).

Querysets go through the visibility policy, so an archivist sees only the fonds assigned to
them; the open status is the reviewer's decision and read-only for everyone else.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from lantai.access.policy import item_condition
from lantai.archive.models import Component, Fonds, Item, Series, TransferBatch, Volume
from lantai.audit.chain import record

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
    search_help_text = _("按档号、题名、责任者或文号查找")
    readonly_fields = ["ref_code", "created_at", "updated_at", "batch"]
    inlines = [ComponentInline]
    list_per_page = 50
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        condition = item_condition(request.user)
        queryset = super().get_queryset(request).select_related("fonds")
        if condition is None:
            return queryset
        return queryset.filter(pk__in=Item.objects.filter(condition).values("pk"))

    def has_change_permission(self, request, obj=None) -> bool:
        # Reviewers change only the review fields (see get_readonly_fields).
        user = request.user
        return super().has_change_permission(request, obj) or user.has_perm("archive.review_item")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        user = request.user
        if user.is_superuser:
            return fields
        if not user.has_perm("archive.change_item"):
            editable = set(REVIEW_FIELDS)
            fields += [f.name for f in Item._meta.fields if f.name not in editable]
        if not user.has_perm("archive.review_item"):
            fields += REVIEW_FIELDS
        return list(dict.fromkeys(fields))

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "open_status" in form.changed_data:
            record(
                "review_decision",
                obj=obj,
                detail={"to": obj.open_status, "reason": obj.open_reason, "via": "admin"},
            )


@admin.register(TransferBatch)
class TransferBatchAdmin(admin.ModelAdmin):
    list_display = ["code", "fonds", "agency", "state", "item_count", "file_count", "created_at"]
    list_filter = ["state", "fonds"]
    search_fields = ["code", "agency"]
    readonly_fields = ["report", "registration"]

    def get_queryset(self, request):
        scope = {f"fonds__{k}": v for k, v in _fonds_scope(request).items()}
        return super().get_queryset(request).filter(**scope).distinct()
