"""The supervision rules' configuration: each rule's level (提示/黄牌/红牌), whether it is on,
and which part of the monthly score it deducts from. Defaults follow DOMAIN.md §5; a bureau
changes them with `LIANFANG_SUPERVISION_RULES_OFF` and `LIANFANG_SUPERVISION_RULE_LEVELS`
(checked at start-up by `check_settings`)."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from lianfang.core import calendar

from .models import CardLevel, Dimension, Rule

DEFAULT_LEVELS = {
    Rule.PROMPT: CardLevel.PROMPT,
    Rule.NEAR_DEADLINE: CardLevel.YELLOW,
    Rule.STEP_OVERDUE: CardLevel.YELLOW,
    Rule.PROMISED_OVERDUE: CardLevel.RED,
    Rule.LEGAL_OVERDUE: CardLevel.RED,
    Rule.OUT_OF_ORDER: CardLevel.YELLOW,
    Rule.SKIPPED_STEP: CardLevel.YELLOW,
    Rule.NO_REASON: CardLevel.YELLOW,
    Rule.OUTSIDE_SYSTEM: CardLevel.RED,
    Rule.FEE_WITHOUT_BASIS: CardLevel.RED,
    Rule.FEE_MISMATCH: CardLevel.YELLOW,
    Rule.PENALTY_OUT_OF_RANGE: CardLevel.RED,
}

DIMENSIONS = {
    Rule.PROMPT: Dimension.TIME,
    Rule.NEAR_DEADLINE: Dimension.TIME,
    Rule.STEP_OVERDUE: Dimension.TIME,
    Rule.PROMISED_OVERDUE: Dimension.TIME,
    Rule.LEGAL_OVERDUE: Dimension.TIME,
    Rule.OUT_OF_ORDER: Dimension.PROCESS,
    Rule.SKIPPED_STEP: Dimension.PROCESS,
    Rule.NO_REASON: Dimension.PROCESS,
    Rule.OUTSIDE_SYSTEM: Dimension.PROCESS,
    Rule.FEE_WITHOUT_BASIS: Dimension.FEES,
    Rule.FEE_MISMATCH: Dimension.FEES,
    Rule.PENALTY_OUT_OF_RANGE: Dimension.LEGAL,
}

_LEVEL_NAMES = {"prompt": CardLevel.PROMPT, "yellow": CardLevel.YELLOW, "red": CardLevel.RED}


def level(rule: str) -> CardLevel:
    name = settings.SUPERVISION_RULE_LEVELS.get(str(rule))
    return _LEVEL_NAMES[name] if name else DEFAULT_LEVELS[Rule(rule)]


def enabled(rule: str) -> bool:
    return str(rule) not in settings.SUPERVISION_RULES_OFF


def check_settings() -> None:
    """Refuse a misspelt rule or level name rather than silently ignore it."""
    known = set(Rule.values)
    for rule in settings.SUPERVISION_RULES_OFF:
        if rule not in known:
            raise ImproperlyConfigured(f"LIANFANG_SUPERVISION_RULES_OFF: unknown rule {rule!r}")
    for rule, name in settings.SUPERVISION_RULE_LEVELS.items():
        if rule not in known or name not in _LEVEL_NAMES:
            raise ImproperlyConfigured(
                f"LIANFANG_SUPERVISION_RULE_LEVELS: {rule}={name} (rules: {sorted(known)}; "
                f"levels: {sorted(_LEVEL_NAMES)})"
            )


def reply_due(found_at: datetime) -> datetime:
    """When a card found at `found_at` must be answered by: the end of the
    `SUPERVISION_REPLY_DAYS`-th working day after its day."""
    return calendar.end_of_day(calendar.add_working_days(found_at, settings.SUPERVISION_REPLY_DAYS))
