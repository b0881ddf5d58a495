"""Roles, what each may do, and how far each may see (三员分立 plus the business roles)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianfang.core.scopes import DataScope


class Role(models.TextChoices):
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")
    JIJIAN = "jijian", _("纪检监察")
    PRINCIPAL = "principal", _("主要领导")
    IN_CHARGE = "in_charge", _("分管领导")
    DEPT_HEAD = "dept_head", _("部门负责人")
    STAFF = "staff", _("干部职工")
    LEGAL = "legal", _("法制工作人员")


# The three administrators are mutually exclusive with each other and with business roles.
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})

ROLE_SCOPE = {
    Role.SYSADMIN: DataScope.NONE,
    Role.SECADMIN: DataScope.NONE,
    Role.AUDITOR: DataScope.NONE,
    Role.JIJIAN: DataScope.ALL,
    Role.PRINCIPAL: DataScope.UNIT,
    Role.IN_CHARGE: DataScope.IN_CHARGE,
    Role.DEPT_HEAD: DataScope.DEPARTMENT,
    Role.STAFF: DataScope.SELF,
    # The legal office keeps the unit's power list and ties the unit's risk points to it.
    Role.LEGAL: DataScope.UNIT,
}

ORG_READERS = {"org.view", "findings.view", "risks.view", "powers.view"}
# Leaders and heads watch their cases and answer the cards on them.
SUPERVISION_READERS = {"supervision.view", "supervision.reply"}

ROLE_PERMISSIONS = {
    # The system administrator keeps the organisation (基础数据) and accounts, no business data.
    Role.SYSADMIN: {
        "org.view",
        "org.view_all",
        "org.manage",
        "users.view",
        "users.manage",
        "dicts.manage",
        "calendar.manage",
        "supervision.ingest",
    },
    Role.SECADMIN: {"users.view", "users.roles", "users.unlock", "loginlog.view"},
    Role.AUDITOR: {"audit.view", "loginlog.view"},
    # The supervision office (监察室) sits with discipline inspection: it scores the departments,
    # issues 监察建议书 and may see an applicant's full name or number.
    Role.JIJIAN: {
        *ORG_READERS,
        "org.view_all",
        "org.manage",
        "risks.matrix",
        "supervision.view",
        "supervision.manage",
        "supervision.applicant",
    },
    Role.PRINCIPAL: ORG_READERS | SUPERVISION_READERS,
    Role.IN_CHARGE: ORG_READERS | SUPERVISION_READERS,
    Role.DEPT_HEAD: ORG_READERS | SUPERVISION_READERS,
    # A handler answers the cards on the cases they handled (their notices), sees no others.
    Role.STAFF: {"org.view", "risks.view", "powers.view", "supervision.reply"},
    Role.LEGAL: {"org.view", "risks.view", "powers.view", "powers.manage", "supervision.view"},
}
