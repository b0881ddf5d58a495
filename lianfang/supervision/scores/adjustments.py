"""Manual deductions (绩效扣分录入) for what the cases cannot show; a month already scored is
recomputed at once."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lianfang.core import services as core
from lianfang.core.scopes import scoped
from lianfang.org.models import Department

from ..models import (
    ScoreAdjustment,
)
from .month import TENTH, month_start, refresh, weights


def _require_manage(user, department) -> None:
    if not user.has_permission("supervision.manage"):
        raise PermissionDenied
    if not scoped(Department.objects.filter(pk=department.pk), user).exists():
        raise PermissionDenied


@transaction.atomic
def adjustment_create(
    *, user, department, month: date, dimension: str, points, reason: str
) -> ScoreAdjustment:
    _require_manage(user, department)

    def check(adjustment, _m2m):
        weight = weights().get(adjustment.dimension)
        if adjustment.points is None or weight is None:
            return  # full_clean names the missing or unknown value
        if adjustment.points <= 0:
            raise ValidationError({"points": _("扣分须大于 0。")})
        if adjustment.points > weight:
            message = _("扣分不能超过该项分值 %(weight)s 分。") % {"weight": weight}
            raise ValidationError({"points": message})

    if not isinstance(month, date):
        raise ValidationError({"month": _("请选择月份。")})
    try:
        points = Decimal(str(points)).quantize(TENTH)
    except InvalidOperation:
        raise ValidationError({"points": _("扣分须为数字。")}) from None
    adjustment = core.create(
        actor=user,
        instance=ScoreAdjustment(created_by=user),
        data={
            "department": department,
            "month": month_start(month),
            "dimension": dimension,
            "points": points,
            "reason": (reason or "").strip(),
        },
        check=check,
    )
    refresh(department.pk, adjustment.month)
    return adjustment


@transaction.atomic
def adjustment_delete(*, user, adjustment: ScoreAdjustment) -> None:
    _require_manage(user, adjustment.department)
    department_id, month = adjustment.department_id, adjustment.month
    core.delete(actor=user, instance=adjustment)
    refresh(department_id, month)
