"""Departments' monthly performance scores, quarterly grades and 监察建议书 (DOMAIN.md §5).

`compute_month(month, now=)` writes one `DepartmentScore` per department that, in that month
(Asia/Shanghai boundaries), received or completed a case, had a finding found, or has a manual
adjustment. Update-or-create by (department, month): recomputing is idempotent, and the same
data and `now` give identical rows; a department that no longer qualifies loses its row.

- Dimensions start at their weight (`SUPERVISION_SCORE_WEIGHTS`).
- Findings count in the month of their `found_at`. Per case and dimension (`rules.DIMENSIONS`)
  only the finding of the highest stored level counts, once (ties: the earliest, lowest pk): a
  case that went prompt → yellow → red deducts one red, and promised_overdue + legal_overdue
  on an item without a promised limit deduct one red. Yellow and red deduct
  `SUPERVISION_DEDUCTIONS["yellow"/"red"]`.
- "3 consecutive warnings −3" is read as: per dimension, the prompts that counted (cases whose
  highest level in that dimension this month is a prompt, i.e. without a card there) are
  counted over the department's month, and every full 3 deduct `prompts3` (2 → 0, 3 → 3,
  5 → 3, 6 → 6). Prompts are not ordered per case: a department's month is the unit.
- Manual `ScoreAdjustment` rows deduct their points from their dimension.
- Each dimension keeps `max(0, weight − deductions)`; `deductions` holds the nominal points
  (so a page can show what was taken even past the cap).
- Bonus: of the cases completed (status 已办结) in the month, the share with `completed_at <=
  early_at`; +1 per full 10% (`floor(early × 10 / completed)`, exact integer arithmetic).
- Total = min(100, sum of dimensions + bonus): the bonus makes up lost points, never more than
  the full score.

`compute_quarter(year, quarter, now=)`: mean of the monthly totals the department has in the
quarter (a month without a score — no cases — is left out rather than counted as 100 or 0),
rounded half-up to 0.1; the grade is read from that rounded mean with the floors of
`SUPERVISION_GRADE_FLOORS` (90.0 优秀, 89.9 良好). A 不合格 grade gets one 监察建议书 the
first time it is graded so; a later recomputation never issues a second one nor withdraws it.
"""

from .adjustments import adjustment_create, adjustment_delete
from .month import (
    bonus_points,
    check_settings,
    compute_month,
    deduction_sentence,
    grade_for,
    month_start,
    totals,
)
from .quarter import QuarterResult, compute_quarter
from .selectors import ScoreDetail, month_table, score_detail

__all__ = [
    "QuarterResult",
    "ScoreDetail",
    "adjustment_create",
    "adjustment_delete",
    "bonus_points",
    "check_settings",
    "compute_month",
    "compute_quarter",
    "deduction_sentence",
    "grade_for",
    "month_start",
    "month_table",
    "score_detail",
    "totals",
]
