"""Chinese names of the audit actions, for the auditor's pages (``/staff/audit/``).

A code without a name here is shown as it is stored: a new action never disappears from the
log for want of a label. The labels are msgids (English in the catalogue).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "create": _("新建"),
    "update": _("修改"),
    "delete": _("删除"),
    "login": _("登录"),
    "login_failed": _("登录失败"),
    "login_throttled": _("登录受限"),
    "register_throttled": _("注册受限"),
    "password_changed": _("修改密码"),
    "password_reset": _("重置密码"),
    "account_created": _("新建账号"),
    "account_disabled": _("停用账号"),
    "account_enabled": _("启用账号"),
    "account_unlocked": _("解锁账号"),
    "account_reset_notified": _("发送重置通知"),
    "roles_changed": _("变更角色"),
    "fonds_assigned": _("分配全宗"),
    "ingest_accepted": _("接收入库"),
    "ingest_returned": _("退回"),
    "ingest_rolled_back": _("接收撤销"),
    "batch_voided": _("批次作废"),
    "fixity_check": _("固定性检查"),
    "deliver": _("提供文件"),
    "staff_view": _("审核查看原件"),
    "review_decision": _("开放审核决定"),
    "review_proposed": _("提前审核建议"),
    "redaction": _("遮蔽"),
    "redaction_removed": _("取消遮蔽"),
    "renumber": _("改号"),
    "bulk_edit": _("批量修改"),
    "volume_built": _("组卷"),
    "volume_dissolved": _("拆卷"),
    "volume_items_added": _("卷内加件"),
    "volume_items_removed": _("卷内取件"),
    "volume_reordered": _("卷内排序"),
    "fonds_number_width": _("档号位数"),
    "fonds_review_steps": _("开放审核流程"),
    "review_first": _("初审意见"),
    "review_returned": _("退回初审"),
    "audit_value_checked": _("核对取值"),
    "audit_verified": _("校验审计日志"),
    "restored": _("从备份恢复"),
}


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    if label is None and code.startswith("m2m_"):
        return f"{_('关联变更')}（{code.removeprefix('m2m_')}）"
    return str(label) if label is not None else code
