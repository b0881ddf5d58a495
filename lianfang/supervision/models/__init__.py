"""Electronic supervision (电子监察) of administrative approval cases (DOMAIN.md §5): cases and
their events, the findings (cards) the rules produce, and the departments' performance scores."""

from .cases import (
    CLOCK_STOPPERS,
    NEEDS_REASON,
    OPEN_STATUSES,
    STEP_ORDER,
    CardLevel,
    Case,
    CaseEvent,
    CaseStatus,
    CaseStep,
    CaseTally,
    EventKind,
    Result,
)
from .findings import Finding, Rule
from .scores import (
    DepartmentScore,
    Dimension,
    Grade,
    QuarterGrade,
    Recommendation,
    ScoreAdjustment,
)

__all__ = [
    "CLOCK_STOPPERS",
    "NEEDS_REASON",
    "OPEN_STATUSES",
    "STEP_ORDER",
    "CardLevel",
    "Case",
    "CaseEvent",
    "CaseStatus",
    "CaseStep",
    "CaseTally",
    "DepartmentScore",
    "Dimension",
    "EventKind",
    "Finding",
    "Grade",
    "QuarterGrade",
    "Recommendation",
    "Result",
    "Rule",
    "ScoreAdjustment",
]
