"""A finding explained in words, for the case and card pages: which rule, which deadline, the
limit in working days and the very days counted to reach it (holidays skipped, 调休 Saturdays
counted, stopped days left out), how late it was found; for the event rules, what the event
showed against what the power list allows."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.core import calendar
from lianfang.powers.models import Circumstance

from . import clock
from .models import Case, CaseStep, EventKind, Finding, Rule
from .timeline import moment_text

# A day listing longer than this is cut (limits are weeks, not years).
MAX_LISTED_DAYS = 400


@dataclass
class Explanation:
    sentences: list[str] = field(default_factory=list)
    counted: list[tuple[date, str]] = field(default_factory=list)  # (day, note)
    skipped: list[tuple[date, str]] = field(default_factory=list)  # (day, reason)
    late: list[date] = field(default_factory=list)


WEEKDAYS = [
    gettext_lazy("星期一"),
    gettext_lazy("星期二"),
    gettext_lazy("星期三"),
    gettext_lazy("星期四"),
    gettext_lazy("星期五"),
    gettext_lazy("星期六"),
    gettext_lazy("星期日"),
]


def day_text(day: date) -> str:
    return _("%(y)d年%(m)d月%(d)d日（%(w)s）") % {
        "y": day.year,
        "m": day.month,
        "d": day.day,
        "w": WEEKDAYS[day.weekday()],
    }


def _short(day: date) -> str:
    return _("%(m)d月%(d)d日") % {"m": day.month, "d": day.day}


def _rest_reason(day: date) -> str:
    _kind, name = calendar.library_day(day)
    if name and not calendar.LIBRARY_WORKDAYS.get(day):
        return _("%(name)s假期") % {"name": name}
    return _("周末") if day.weekday() >= 5 else _("休息日")


def classify_days(start: date, end: date, pauses) -> tuple[list, list]:
    """The days in (start, end]: those counted as working days (a weekend one noted as 调休)
    and those skipped, with why (holiday, weekend, clock stopped)."""
    stopped = [(calendar.as_date(a), None if b is None else calendar.as_date(b)) for a, b in pauses]
    counted, skipped = [], []
    day = start + timedelta(days=1)
    while day <= end and len(counted) + len(skipped) < MAX_LISTED_DAYS:
        if not calendar.is_workday(day):
            skipped.append((day, _rest_reason(day)))
        elif any(a < day and (b is None or day <= b) for a, b in stopped):
            skipped.append((day, _("停止计时")))
        else:
            name = calendar.library_day(day)[1] if day.weekday() >= 5 else ""
            counted.append((day, name or (_("调休上班") if day.weekday() >= 5 else "")))
        day += timedelta(days=1)
    return counted, skipped


def _runs(days: list[tuple[date, str]]) -> str:
    """Consecutive days with the same reason joined: 10月1日至10月7日（国庆节假期）."""
    parts, i = [], 0
    while i < len(days):
        j = i
        while (
            j + 1 < len(days)
            and days[j + 1][1] == days[i][1]
            and days[j + 1][0] - days[j][0] == timedelta(days=1)
        ):
            j += 1
        span = _short(days[i][0])
        if j > i:
            span = _("%(a)s至%(b)s") % {"a": span, "b": _short(days[j][0])}
        parts.append(_("%(span)s（%(why)s）") % {"span": span, "why": days[i][1]})
        i = j + 1
    return "、".join(parts)


DEADLINE_NAMES = {
    Rule.LEGAL_OVERDUE: gettext_lazy("法定办结期限"),
}


def explain(finding: Finding, case: Case, events) -> Explanation:
    """A finding in words: its rule and level, the deadline it is about, the limit in working
    days and the days counted to reach it (holidays skipped, 调休 Saturdays counted, stopped
    days left out), and how many working days late it was found."""
    out = Explanation()
    ev = finding.evidence or {}
    out.sentences.append(
        _("监察规则：%(rule)s（%(level)s），发现于 %(at)s。")
        % {
            "rule": finding.get_rule_display(),
            "level": finding.get_level_display(),
            "at": moment_text(finding.found_at),
        }
    )
    if finding.deadline_at is None:
        out.sentences += evidence_sentences(finding.rule, ev)
        return out
    deadline = calendar.as_date(finding.deadline_at)
    if finding.rule == Rule.STEP_OVERDUE:
        step = finding.key or ev.get("step") or ""
        name = _("%(step)s环节期限") % {"step": CaseStep(step).label if step else ""}
        steps = clock.replay(case.received_at, events).steps
        started = [at for s, at in steps if s == step and at <= finding.deadline_at]
        start_at = started[-1] if started else case.step_started_at or case.received_at
        start_label = _("该环节开始")
    else:
        name = str(DEADLINE_NAMES.get(finding.rule, _("承诺办结期限")))
        start_at, start_label = case.received_at, _("受理")
    out.sentences.append(
        _("所涉期限：%(name)s，%(day)s 24 时止。") % {"name": name, "day": day_text(deadline)}
    )
    limit = ev.get("limit_days")
    start = calendar.as_date(start_at)
    if limit is not None:
        out.sentences.append(
            _("时限 %(n)d 个工作日，自%(what)s之日 %(day)s 的次日起算（期间开始之日不计算在内）。")
            % {"n": limit, "what": start_label, "day": _short(start)}
        )
    pauses = clock.replay(case.received_at, events).pauses
    out.counted, out.skipped = classify_days(start, deadline, pauses)
    out.sentences.append(
        _("计入的工作日共 %(n)d 天：%(days)s。")
        % {
            "n": len(out.counted),
            "days": "、".join(
                _short(d) + (_("（%(why)s）") % {"why": note} if note else "")
                for d, note in out.counted
            )
            or "—",
        }
    )
    if out.skipped:
        out.sentences.append(_("未计入：%(runs)s。") % {"runs": _runs(out.skipped)})
    late = ev.get("working_days_late")
    if late is None:
        late = max(0, calendar.working_days_between(deadline, finding.found_at))
    if late > 0:
        counted, _skipped = classify_days(deadline, calendar.as_date(finding.found_at), ())
        out.late = [d for d, _note in counted]
        out.sentences.append(
            _("发现时已超过期限 %(n)d 个工作日（%(days)s）。")
            % {"n": late, "days": "、".join(_short(d) for d in out.late)}
        )
    else:
        left = calendar.working_days_between(finding.found_at, deadline)
        out.sentences.append(
            _("发现时尚未超过期限，距期限还有 %(n)d 个工作日。") % {"n": max(0, left)}
        )
    return out


def _money(value) -> str:
    return _("%(v)s 元") % {"v": value} if value not in (None, "") else _("未规定")


def _steps(items) -> str:
    return "、".join(str(CaseStep(s["step"]).label) for s in items or [])


def _event(ev: dict) -> str:
    kind = ev.get("kind")
    label = EventKind(kind).label if kind in EventKind.values else kind or ""
    when = ev.get("at") or ""
    return _("“%(kind)s”事件（编号 %(id)s，%(at)s）") % {
        "kind": label,
        "id": ev.get("event_id", ""),
        "at": when[:16].replace("T", " "),
    }


def _said(rule: str, ev: dict) -> str | None:
    step = ev.get("step")
    facts = {
        "step": CaseStep(step).label if step in CaseStep.values else "",
        "event": _event(ev),
        "skipped": _steps(ev.get("skipped")),
        "charged": _money(ev.get("charged")),
        "standard": _money(ev.get("standard")),
        "text": ev.get("standard_text") or ev.get("basis") or _("未写明依据"),
    }
    if rule == Rule.OUT_OF_ORDER:
        text = _("办件当时处于“%(step)s”环节，%(event)s回到了前面的环节，且未经“退回”。")
    elif rule == Rule.SKIPPED_STEP:
        text = _("办件当时处于“%(step)s”环节，%(event)s跳过了必经环节：%(skipped)s。")
    elif rule == Rule.OUTSIDE_SYSTEM:
        text = _("%(event)s之前没有承办、审核、批准的任何记录，办理结果在系统外形成。")
    elif rule == Rule.NO_REASON:
        text = _("%(event)s未说明理由；退回和不予许可必须说明理由。")
    elif rule == Rule.FEE_WITHOUT_BASIS:
        text = _("实收费用 %(charged)s，而权力清单未规定该事项收费（无收费依据）。")
    elif rule == Rule.FEE_MISMATCH:
        text = _("实收费用 %(charged)s，与权力清单规定的收费标准 %(standard)s（%(text)s）不符。")
    elif rule == Rule.PENALTY_OUT_OF_RANGE:
        return _penalty_sentence(ev)
    else:
        return None
    return text % facts


def evidence_sentences(rule: str, ev: dict) -> list[str]:
    """What an event rule's evidence shows, in words (evidence keys: `checks`)."""
    said = _said(rule, ev)
    if said is None:
        return []
    return [said, _("依据：%(event)s。") % {"event": _event(ev)}]


def _penalty_sentence(ev: dict) -> str:
    value = ev.get("circumstance")
    circumstance = Circumstance(value).label if value in Circumstance.values else value or ""
    allowed = "；".join(
        _("%(types)s，罚款 %(low)s 至 %(high)s")
        % {
            "types": "、".join(a.get("types") or []) or _("未规定种类"),
            "low": _money(a.get("min")),
            "high": _money(a.get("max")),
        }
        for a in ev.get("allowed") or []
    )
    text = _("处罚决定为违法情节“%(c)s”、处罚种类“%(type)s”、罚款 %(amount)s；")
    text += _("自由裁量基准对该情节的规定：%(allowed)s。")
    return text % {
        "c": circumstance,
        "type": ev.get("penalty_type") or "—",
        "amount": _money(ev.get("amount")),
        "allowed": allowed or _("无对应基准"),
    }
