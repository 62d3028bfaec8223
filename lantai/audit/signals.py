"""Record every model change made through the app as an audit event.

A ``pre_save`` handler reads the stored row so an update's event lists exactly which fields
changed; the values are kept as keyed digests the auditor can check but not read, and objects
are named by 档号 (:mod:`lantai.audit.digests`); secrets are never written. Logins and failed
logins are events too.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from lantai.audit.chain import record
from lantai.audit.digests import object_name, shown

AUDITED_APPS = {"archive", "access", "ingest"}
AUDITED_MODELS = {"auth.user", "auth.group", "otp_totp.totpdevice"}
IGNORED_FIELDS = {"last_login", "updated_at"}


def is_audited(model: type[Model]) -> bool:
    meta = model._meta
    return meta.app_label in AUDITED_APPS or meta.label_lower in AUDITED_MODELS


def _field_values(instance: Model) -> dict[str, Any]:
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


def _remember_old(sender: type[Model], instance: Model, raw: bool = False, **_: Any) -> None:
    if raw or not is_audited(sender) or instance._state.adding or instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).values(
        *[f.attname for f in sender._meta.concrete_fields]
    )
    instance.__dict__["_audit_old"] = old.first()  # the row as it was, for the change event


def _on_save(
    sender: type[Model], instance: Model, created: bool, raw: bool = False, **_: Any
) -> None:
    if raw or not is_audited(sender):
        return
    new, label = _field_values(instance), sender._meta.label_lower
    if created:
        detail = {
            k: shown(label, k, v) for k, v in new.items() if v not in (None, "") and k != "id"
        }
        record("create", obj=instance, detail={"fields": detail})
        return
    old = instance.__dict__.get("_audit_old") or {}
    changes = {
        k: [shown(label, k, old.get(k)), shown(label, k, v)]
        for k, v in new.items()
        if k in old and old[k] != v and k not in IGNORED_FIELDS
    }
    if changes:
        record("update", obj=instance, detail={"changes": changes})


def _on_delete(sender: type[Model], instance: Model, **_: Any) -> None:
    if is_audited(sender):
        record("delete", obj=instance)


def _on_m2m(
    sender: Any, instance: Model, action: str, pk_set: set | None, model: type[Model], **_: Any
) -> None:
    if action not in {"post_add", "post_remove", "post_clear"} or not is_audited(type(instance)):
        return
    names = sorted(object_name(obj) for obj in model._base_manager.filter(pk__in=pk_set or []))
    relation = sender._meta.model_name
    record(f"m2m_{action.removeprefix('post_')}", obj=instance, detail={relation: names})


def _on_login(sender: Any, request: Any, user: Any, **_: Any) -> None:
    record("login", obj=user, actor=f"user:{user.get_username()}")


def _on_login_failed(sender: Any, credentials: dict, request: Any = None, **_: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    record(
        "login_failed",
        object_type="auth.user",
        object_repr=username,
        outcome="failure",
        actor="anonymous",
    )


def connect() -> None:
    pre_save.connect(_remember_old, dispatch_uid="lantai_audit_pre_save")
    post_save.connect(_on_save, dispatch_uid="lantai_audit_post_save")
    post_delete.connect(_on_delete, dispatch_uid="lantai_audit_post_delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="lantai_audit_m2m")
    user_logged_in.connect(_on_login, dispatch_uid="lantai_audit_login")
    user_login_failed.connect(_on_login_failed, dispatch_uid="lantai_audit_login_failed")
    get_user_model()  # fail early if auth is misconfigured
