"""The archival model in the Django admin: for the development superuser only.

Decisions:

- **No role reaches the records here** (issue 15): archivists and reviewers work in the portal's
  staff pages (``/staff/items/``, ``/staff/review/``, ``/staff/ingest/``), which go through the
  one access policy and audit every action; the three administrators read no record content at
  all. Every archival model's admin therefore answers only a verified superuser, who exists in
  development (production has none: ``createsuperuser`` is refused). The rules below still hold
  for that superuser.

- **Scoped by assigned fonds, everywhere:** every queryset, every foreign-key choice and every
  list filter is limited to the fonds the user is assigned to (``Fonds.staff``). The admin is
  for arranging one's own holdings; other fonds' records, even public ones, are read on the
  portal, so they are neither listed nor editable here, and neither their volume titles nor a
  private fonds' name appears in a dropdown or a filter.
- **Masks and review fields are read-only:** the open status, its reason and dates, the review
  proposal, the joint opinion and the masks (``redactions``, ``public_text``) change only
  through review decisions at ``/staff/review/``, which audit them and keep the masked copy
  consistent; the extracted text is read-only once masked, so an edit cannot shift a mask.
- **Reviewers only look here;** they decide in the review queue.
- **A finished transfer batch is a record:** once accepted or returned nothing of it changes;
  batches are created by ingest only, never by hand.
- **Fonds assignments** (``Fonds.staff``) are not edited here: an archivist could otherwise
  assign themselves; they are set with ``lantai createuser --fonds``.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from lantai.archive.models import Component, Fonds, Item, Series, TransferBatch, Volume
from lantai.archive.visibility import held_condition

REVIEW_FIELDS = (
    "open_status",
    "open_reason",
    "open_decided_at",
    "review_again",
    "review_proposed_at",
    "review_proposal",
    "joint_opinion",
)
MASK_FIELDS = ("redactions", "public_text", "masks")
FINAL_BATCH_STATES = frozenset({"accepted", "returned", "voided"})
FONDS_FILTER = ("fonds", admin.RelatedOnlyFieldListFilter)


def scoped(model: type[models.Model], user) -> models.QuerySet:
    """``model``'s rows that belong to one of ``user``'s fonds (all of them only for a
    superuser)."""
    fonds = Fonds.objects.assigned_to(user)
    if model is Fonds:
        return fonds
    if model is Component:
        return Component.objects.filter(held_condition("item__"), item__fonds__in=fonds)
    if model is Item:  # a voided batch's records are not held (lantai.ingest.void)
        return Item.objects.filter(held_condition(), fonds__in=fonds)
    return model._default_manager.filter(fonds__in=fonds)


SCOPED_MODELS = (Fonds, Series, Volume, Item, TransferBatch, Component)


def _superuser(request) -> bool:
    user = request.user
    verified = getattr(user, "is_verified", None)
    return bool(user.is_active and user.is_superuser) and (verified is None or verified())


class FondsScopedAdmin(admin.ModelAdmin):
    """Superuser only; querysets and foreign-key choices limited to the user's assigned fonds."""

    def has_module_permission(self, request) -> bool:
        return _superuser(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _superuser(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args) -> bool:
        return _superuser(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        return _superuser(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _superuser(request) and super().has_delete_permission(request, obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.filter(pk__in=scoped(self.model, request.user).values("pk"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model in SCOPED_MODELS:
            kwargs["queryset"] = scoped(db_field.related_model, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model in SCOPED_MODELS:
            kwargs["queryset"] = scoped(db_field.related_model, request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Fonds)
class FondsAdmin(FondsScopedAdmin):
    list_display = ["code", "name", "is_public", "refcode_template", "number_width"]
    search_fields = ["code", "name"]
    filter_horizontal = ["staff"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("staff")
        return fields


@admin.register(Series)
class SeriesAdmin(FondsScopedAdmin):
    list_display = ["fonds", "code", "name", "depth"]
    list_filter = [FONDS_FILTER]
    search_fields = ["code", "name"]


@admin.register(Volume)
class VolumeAdmin(FondsScopedAdmin):
    list_display = ["ref_code", "title", "year", "retention"]
    search_fields = ["ref_code", "title"]
    list_filter = [FONDS_FILTER, "retention"]


class ComponentInline(admin.TabularInline):
    model = Component
    extra = 0
    fields = readonly_fields = (
        "role",
        "original_name",
        "size",
        "format_id",
        "mime_type",
        "sha256",
        "sm3",
    )
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Item)
class ItemAdmin(FondsScopedAdmin):
    list_display = ["ref_code", "title", "creator", "date", "category", "open_status"]
    list_filter = [FONDS_FILTER, "category", "open_status", "retention", "year"]
    search_fields = ["ref_code", "title", "creator", "doc_number"]
    search_help_text = _("按档号、题名、责任者或文号查找")
    readonly_fields = [
        "ref_code",
        "created_at",
        "updated_at",
        "batch",
        *REVIEW_FIELDS,
        *MASK_FIELDS,
    ]
    inlines = [ComponentInline]
    list_per_page = 50
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("fonds")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("fonds")  # the 档号 names the fonds; moving an item is re-numbering
            if obj.redactions:
                fields.append("text")
        return list(dict.fromkeys(fields))


@admin.register(TransferBatch)
class TransferBatchAdmin(FondsScopedAdmin):
    list_display = ["code", "fonds", "agency", "state", "item_count", "file_count", "created_at"]
    list_filter = ["state", FONDS_FILTER]
    search_fields = ["code", "agency"]
    # Written by ingest: what was received, by whom, when, and what the checks found.
    readonly_fields = [
        "fonds",
        "code",
        "source_name",
        "source_kind",
        "state",
        "item_count",
        "volume_count",
        "file_count",
        "byte_count",
        "report",
        "registration",
        "received_by",
        "created_at",
        "finished_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False  # batches come from ingest (/staff/ingest/, lantai ingest)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.state in FINAL_BATCH_STATES:
            return False
        return super().has_change_permission(request, obj)
