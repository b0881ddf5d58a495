"""The three grading methods (评估风险等级), each a small pure function.

Every method returns a `Result`: the level and a rationale in words, so that anyone can see
why a risk is level 1. Levels: 1 = 一级/高, 2 = 二级/中, 3 = 三级/低.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.core.text import join_list

# DOMAIN.md §3 (b): the five criteria.
CRITERIA = {
    "people_money_goods": gettext_lazy("掌握人财物支配权"),
    "discretion": gettext_lazy("具有自由裁量权"),
    "collective_decision": gettext_lazy("须公开或民主决策"),
    "private_gain": gettext_lazy("有谋取私利的机会"),
    "high_incidence": gettext_lazy("属腐败易发多发领域"),
}

# DOMAIN.md §3 (c): power types that make a risk level 1 whatever else holds.
POWER_TYPES = {
    "approval": gettext_lazy("直接审批"),
    "enforcement": gettext_lazy("行政执法"),
    "penalty": gettext_lazy("行政处罚"),
    "fees": gettext_lazy("收费"),
    "project_approval": gettext_lazy("项目审批"),
    "personnel": gettext_lazy("人事"),
    "finance": gettext_lazy("财务"),
    "procurement": gettext_lazy("采购"),
    "other": gettext_lazy("其他"),
}
LEVEL_ONE_POWER_TYPES = frozenset(POWER_TYPES) - {"other"}

# The default 4×4 matrix: D = L × C; 8 and above → 1, 4–6 → 2, 1–3 → 3.
DEFAULT_MATRIX = [
    [3, 3, 3, 2],
    [3, 2, 2, 1],
    [3, 2, 1, 1],
    [2, 1, 1, 1],
]


class GradingError(ValueError):
    """Inputs a method cannot grade; `field` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Result:
    level: int
    rationale: str


def check_matrix(cells) -> None:
    """A matrix is a non-empty rectangle of levels 1–3."""
    if not cells or not all(isinstance(row, list) and row for row in cells):
        raise GradingError("cells", _("矩阵不能为空。"))
    if len({len(row) for row in cells}) != 1:
        raise GradingError("cells", _("矩阵每一行的列数必须相同。"))
    if any(cell not in (1, 2, 3) for row in cells for cell in row):
        raise GradingError("cells", _("矩阵中的等级只能是 1、2、3。"))


def by_matrix(likelihood: int, impact: int, cells=None) -> Result:
    cells = cells or DEFAULT_MATRIX
    rows, cols = len(cells), len(cells[0])
    if not isinstance(likelihood, int) or not 1 <= likelihood <= rows:
        raise GradingError("likelihood", _("可能性须在 1 至 %(n)d 之间。") % {"n": rows})
    if not isinstance(impact, int) or not 1 <= impact <= cols:
        raise GradingError("impact", _("影响程度须在 1 至 %(n)d 之间。") % {"n": cols})
    level = cells[likelihood - 1][impact - 1]
    return Result(
        level,
        _("可能性 %(l)d、影响程度 %(c)d，按 %(rows)d×%(cols)d 风险矩阵定为%(level)s。")
        % {"l": likelihood, "c": impact, "rows": rows, "cols": cols, "level": level_name(level)},
    )


def by_criteria(criteria) -> Result:
    criteria = set(criteria)
    unknown = criteria - set(CRITERIA)
    if unknown:
        raise GradingError(
            "criteria", _("未知的定级标准：%(c)s") % {"c": join_list(sorted(unknown))}
        )
    count = len(criteria)
    level = 1 if count >= 3 else 2 if count == 2 else 3
    met = join_list(CRITERIA[c] for c in CRITERIA if c in criteria) or _("无")
    return Result(
        level,
        _(
            "符合 %(n)d 项标准（%(met)s），3 项及以上为一级、2 项为二级、"
            "1 项及以下为三级，定为%(level)s。"
        )
        % {"n": count, "met": met, "level": level_name(level)},
    )


def by_power_type(power_type: str, base: Result) -> Result:
    """Level 1 for the listed power types; otherwise the base method's level stands."""
    if power_type not in POWER_TYPES:
        raise GradingError("power_type", _("未知的权力类型：%(t)s") % {"t": power_type})
    if power_type in LEVEL_ONE_POWER_TYPES:
        return Result(
            1,
            _("涉及%(type)s权力，按权力类型定为一级。") % {"type": POWER_TYPES[power_type]},
        )
    return Result(
        base.level,
        _("权力类型为“%(type)s”，不属直接定为一级的类型；%(base)s")
        % {"type": POWER_TYPES[power_type], "base": base.rationale},
    )


def level_name(level: int) -> str:
    return {1: _("一级（高）"), 2: _("二级（中）"), 3: _("三级（低）")}[level]
