"""The demo's approval cases (办件): a pure, seeded generator of the rows a handling system
(网上办事大厅, source `wsbs`) would send to `ingest`. No database access: the items and the
working days come in, rows come out, and the same input always gives the same rows
(`random.Random(SEED)`).

Shape of a year:

- Volume: per item and working day a Poisson number of cases, mean `RATES[category]` times a
  per-item factor (0.5–1.6), so the demo bureau's 57 items with cases give ~6,500 cases a year.
- 受理 at office hours (08:30–12:00, 14:00–17:30) on a working day; then the item's monitored
  steps (those its flowchart maps, `ItemPlan.steps`; all five when it maps none) spread over the
  working days within the promised limit: ~15% early (within `early_percent` of the limit),
  ~1% on the due day itself (a 提示 the evening before), the rest in between; a timed step never
  longer than its flowchart limit. Some applications stop the clock for 补正 (2–6 working days
  until 恢复), some are sent back one step (退回) with a reason, some refused with a reason.
- Cards at the rates of a well-run bureau (`ANOMALIES` per year, scaled to a shorter window and at
  least one of each kind that has a fitting case): late completions (near_deadline, then
  promised_overdue), a step over its limit, fees without basis or differing from the standard, a
  penalty outside the discretion standard, a case completed without its middle steps (体外办结).
  Cards fall on cases that finish well before the cutoff, so the cases still open then are all
  in time.
- Rows after `cutoff` are left out, so the latest weeks' cases are partly open.
"""

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from lianfang.core.calendar import SHANGHAI

from .checks import Standard
from .models import STEP_ORDER, CaseStep, EventKind, Result

SEED = 2026
SOURCE = "wsbs"
PREFIX = "WS"
# Mean cases per working day, per category of item (before the per-item factor).
RATES = {
    "license": 0.85,
    "other": 1.2,
    "penalty": 0.08,
    "confirmation": 0.15,
    "benefit": 0.1,
    "levy": 0.2,
}
# Cards per year: 5 red in ~6,500 cases, ≈ 8×10⁻⁴ (DOMAIN.md §5's city: 13 in 80,000).
ANOMALIES = {
    "late": 2,
    "step_overdue": 3,
    "fee_no_basis": 1,
    "fee_mismatch": 2,
    "penalty_range": 1,
    "outside_system": 1,
}
# The rule each anomaly is meant to break, and which of them are red cards.
EXPECTED_RULE = {
    "late": "promised_overdue",
    "step_overdue": "step_overdue",
    "fee_no_basis": "fee_no_basis",
    "fee_mismatch": "fee_mismatch",
    "penalty_range": "penalty_range",
    "outside_system": "outside_system",
}
RED = frozenset({"late", "fee_no_basis", "penalty_range", "outside_system"})

EARLY_SHARE, DUE_DAY_SHARE = 0.15, 0.01
PAUSE_SHARE, RETURN_SHARE = 0.04, 0.02
REFUSE_SHARE = {"license": 0.05, "penalty": 0.03, "confirmation": 0.08}
APPLICATIONS = frozenset({"license", "other", "confirmation", "benefit", "levy"})
MIDDLE = (CaseStep.UNDERTAKE, CaseStep.REVIEW, CaseStep.APPROVE)
HALF_DAY = 3 * 3600 + 30 * 60  # 08:30–12:00 and 14:00–17:30
MORNING, AFTERNOON = time(8, 30), time(14, 0)


@dataclass(frozen=True)
class ItemPlan:
    """What the generator needs of a power item. `promised`: the promised limit, else the legal
    one (working days, ≥ 1); `steps`: monitored step → limit days as the flowchart maps them;
    `actors`: case step → the names (staff numbers) that may act in it."""

    code: str
    category: str
    promised: int
    steps: Mapping[str, int] = field(default_factory=dict)
    fee: Decimal | None = None
    standards: tuple[Standard, ...] = ()
    actors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def emitted(self) -> list[str]:
        """The step events a case of the item goes through: the mapped ones with 受理 and 办结,
        all five when the flowchart maps none."""
        if not self.steps:
            return list(STEP_ORDER)
        ends = (CaseStep.ACCEPT, CaseStep.COMPLETE)
        return [s for s in STEP_ORDER if s in self.steps or s in ends]

    def cap(self, step: str) -> int | None:
        """The most working days a case may stay in `step`; None: not timed."""
        return self.steps.get(step) if step != CaseStep.COMPLETE else None


@dataclass
class Generated:
    rows: list[dict]
    cases: int
    # anomaly kind → the case numbers given it (those received by the cutoff).
    anomalies: dict[str, list[str]]


@dataclass
class _Draft:
    item: ItemPlan
    day: int  # index of the receipt day in `workdays`
    number: str
    anomaly: str = ""


@dataclass
class _Event:
    kind: str
    actor: str = ""
    reason: str = ""
    extra: dict = field(default_factory=dict)
    cap: int | None = None  # the most working days until the next event; None: untimed
    fixed: int | None = None  # the gap to the next event, when it is set


def generate(
    items: Sequence[ItemPlan],
    workdays: Sequence[date],
    *,
    cutoff: datetime,
    scale: float = 1.0,
    early_percent: int = 50,
    seed: int = SEED,
) -> Generated:
    """The rows of the cases received on `workdays` up to `cutoff`'s day, with their events up to
    `cutoff`, in order of time. `workdays` are consecutive working days from the window's first
    and must reach far enough past the cutoff for the longest limit (the cases still open then).
    `scale`: the window's share of a year, for the number of cards."""
    rng = random.Random(seed)
    cutoff_day = cutoff.astimezone(SHANGHAI).date()
    last = max((i for i, d in enumerate(workdays) if d <= cutoff_day), default=-1)
    items = sorted((i for i in items if i.promised >= 1), key=lambda i: i.code)
    factors = [rng.uniform(0.5, 1.6) for _ in items]
    drafts: list[_Draft] = []
    numbers: dict[int, int] = {}
    for day in range(last + 1):
        year = workdays[day].year
        for item, factor in zip(items, factors, strict=True):
            for _ in range(_poisson(rng, RATES.get(item.category, 0.0) * factor)):
                numbers[year] = numbers.get(year, 0) + 1
                drafts.append(_Draft(item, day, f"{PREFIX}{year}{numbers[year]:06d}"))
    anomalies = _assign(rng, drafts, last, scale)
    rows: list[tuple[datetime, int, dict]] = []
    for draft in drafts:
        events = _timeline(rng, draft, early_percent)
        for n, (at, event) in enumerate(_stamped(rng, draft.day, events, workdays), start=1):
            if at <= cutoff:
                rows.append((at, len(rows), _row(draft, n, at, event)))
    rows.sort(key=lambda r: (r[0], r[1]))
    cases = sum(r[2]["kind"] == EventKind.ACCEPT for r in rows)
    return Generated([r[2] for r in rows], cases, anomalies)


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: small means only, as here."""
    if mean <= 0:
        return 0
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


# --- which cases break a rule


def _eligible(kind: str, d: _Draft, last: int) -> bool:
    item = d.item
    if d.day + item.promised + 3 > last:  # the case must be over well before the cutoff
        return False
    if kind == "late":  # a step without a limit takes the extra days: no step card with it
        return any(item.cap(s) is None for s in item.emitted[:-1])
    if kind == "step_overdue":
        return any(c is not None and c + 1 <= item.promised - 1 for c in _caps(item))
    if kind == "fee_no_basis":
        return item.fee is None and item.category in APPLICATIONS
    if kind == "fee_mismatch":
        return item.fee is not None
    if kind == "penalty_range":
        return any(s.amount_max is not None or s.amount_min for s in item.standards)
    if kind == "outside_system":
        return any(s in item.emitted for s in MIDDLE)
    return False


def _caps(item: ItemPlan) -> list[int | None]:
    return [item.cap(s) for s in item.emitted[:-1]]


def _assign(rng: random.Random, drafts: list[_Draft], last: int, scale: float) -> dict:
    chosen: dict[str, list[str]] = {}
    for kind, per_year in ANOMALIES.items():
        wanted = max(1, round(per_year * scale))
        candidates = [d for d in drafts if not d.anomaly and _eligible(kind, d, last)]
        picked = rng.sample(candidates, min(wanted, len(candidates)))
        for d in picked:
            d.anomaly = kind
        chosen[kind] = sorted(d.number for d in picked)
    return chosen


# --- one case's events


def _pick(rng: random.Random, names: Sequence[str]) -> str:
    return rng.choice(names) if names else ""


def _timeline(rng: random.Random, d: _Draft, early_percent: int) -> list[_Event]:
    """The case's events, each with the gap to the next one set (in working days)."""
    item, anomaly = d.item, d.anomaly
    actors = {s: _pick(rng, item.actors.get(s, ())) for s in STEP_ORDER}
    clerk = actors[CaseStep.ACCEPT]
    applications = item.category in APPLICATIONS
    plain = not anomaly
    paused = plain and applications and rng.random() < PAUSE_SHARE
    refused = plain and rng.random() < REFUSE_SHARE.get(item.category, 0.01)
    steps = item.emitted if anomaly != "outside_system" else [CaseStep.ACCEPT, CaseStep.COMPLETE]
    # 退回 from a step back to the one before it, when the case went through that one and it is
    # not the window (受理).
    middle = steps[1:-1]
    back = [s for s in middle if STEP_ORDER[STEP_ORDER.index(s) - 1] in middle]
    back = back if plain and rng.random() < RETURN_SHARE else []
    sent_back = rng.choice(back) if back else None

    applicant = _applicant(rng, item)
    events = [
        _Event(
            EventKind.ACCEPT,
            clerk,
            extra={"power_item": item.code, "applicant": applicant},
            cap=item.cap(CaseStep.ACCEPT),
        )
    ]
    if paused:
        events[0].fixed = 0
        pause = rng.randint(2, 6)
        events.append(_Event(EventKind.CORRECT, clerk, rng.choice(CORRECTIONS), fixed=pause))
        events.append(_Event(EventKind.RESUME, clerk, cap=item.cap(CaseStep.ACCEPT)))
    for step in steps[1:-1]:
        events.append(_Event(step, actors[step], cap=item.cap(step)))
        if step == sent_back:
            before = STEP_ORDER[STEP_ORDER.index(step) - 1]
            events.append(_Event(EventKind.RETURN, actors[step], rng.choice(RETURNS)))
            events[-1].cap = item.cap(before)
            events.append(_Event(step, actors[step], cap=item.cap(step)))
    events.append(_closing(rng, d, refused, actors[CaseStep.COMPLETE] or clerk))

    promised = item.promised
    early = promised * early_percent // 100
    if anomaly == "late":
        k = promised + rng.choice((1, 1, 2))
    elif anomaly == "step_overdue":
        timed = [e for e in events[:-1] if e.cap is not None and e.cap + 1 <= promised - 1]
        slow = rng.choice(timed)
        slow.fixed = slow.cap + 1
        k = rng.randint(0, promised - 1 - slow.fixed)
    else:
        share = rng.random()
        if share < EARLY_SHARE:
            k = rng.randint(min(1, early), early)
        elif share < EARLY_SHARE + DUE_DAY_SHARE:
            k = promised
        else:
            k = rng.randint(min(early + 1, promised - 1), promised - 1)
    _spread(rng, events[:-1], k, promised)
    return events


def _spread(rng: random.Random, events: list[_Event], total: int, promised: int) -> None:
    """Set the free gaps so they add up to `total` (less when the step limits allow less), no
    timed gap over its cap; untimed gaps weigh as much as the whole limit."""
    free = [e for e in events if e.fixed is None]
    for e in free:
        e.fixed = 0
    for _ in range(total):
        room = [promised if e.cap is None else e.cap - e.fixed for e in free]
        if not free or not any(r > 0 for r in room):
            return
        rng.choices(free, weights=room)[0].fixed += 1


def _closing(rng: random.Random, d: _Draft, refused: bool, actor: str) -> _Event:
    item, anomaly = d.item, d.anomaly
    extra: dict = {}
    reason = ""
    if refused:
        extra["result"] = Result.REFUSED
        reason = rng.choice(REFUSALS.get(item.category, REFUSALS["other"]))
    elif item.category == "penalty":
        extra = {"result": Result.OTHER, **_penalty(rng, item, anomaly == "penalty_range")}
    else:
        extra["result"] = Result.GRANTED
        if anomaly == "fee_no_basis":
            extra["fee"] = rng.choice(("50.00", "100.00", "200.00"))
        elif anomaly == "fee_mismatch":
            extra["fee"] = str(item.fee * rng.choice((2, 3)))
        elif item.fee is not None:
            extra["fee"] = str(item.fee)
    return _Event(EventKind.COMPLETE, actor, reason, extra)


WEIGHTS = {"minor": 5, "ordinary": 4, "serious": 2}


def _penalty(rng: random.Random, item: ItemPlan, outside: bool) -> dict:
    if not item.standards:
        return {"penalty_type": "警告"}
    if outside:
        bounded = [s for s in item.standards if s.amount_max is not None or s.amount_min]
        s = rng.choice(bounded)
        if s.amount_max is not None:
            amount = Decimal(math.ceil(s.amount_max * 3 / 200) * 100)
        else:
            amount = Decimal(math.floor(s.amount_min / 200) * 100)
        return _penalty_fields(s, amount)
    weights = [WEIGHTS.get(s.circumstance, 1) for s in item.standards]
    s = rng.choices(item.standards, weights=weights)[0]
    if s.amount_min is None and s.amount_max is None:
        return _penalty_fields(s, None)
    if s.amount_min is None and rng.random() < 0.5:  # “可以并处罚款”: often a warning alone
        return _penalty_fields(s, None)
    low = s.amount_min or Decimal(100)
    high = s.amount_max if s.amount_max is not None else low * 2
    hundreds = range(math.ceil(low / 100), math.floor(high / 100) + 1)
    amount = Decimal(rng.choice(hundreds) * 100) if hundreds else low
    return _penalty_fields(s, amount)


def _penalty_fields(s: Standard, amount: Decimal | None) -> dict:
    fields = {"penalty_type": s.penalty_types[:100], "circumstance": s.circumstance}
    if amount is not None:
        fields["penalty_amount"] = f"{amount:.2f}"
    return fields


# --- times and rows


def _stamped(rng: random.Random, first: int, events: list[_Event], workdays: Sequence[date]):
    """(time, event) for each event: its day from the gaps, its time at office hours, strictly
    later than the events before it on the same day."""
    days, day = [], first
    for e in events:
        days.append(min(day, len(workdays) - 1))
        day += e.fixed or 0
    out = []
    i = 0
    while i < len(events):
        j = i
        while j < len(events) and days[j] == days[i]:
            j += 1
        seconds = sorted(rng.sample(range(2 * HALF_DAY), j - i))
        for e, s in zip(events[i:j], seconds, strict=True):
            start, s = (MORNING, s) if s < HALF_DAY else (AFTERNOON, s - HALF_DAY)
            at = datetime.combine(workdays[days[i]], start, tzinfo=SHANGHAI)
            out.append((at + timedelta(seconds=s), e))
        i = j
    return out


def _row(d: _Draft, n: int, at: datetime, e: _Event) -> dict:
    row = {
        "source": SOURCE,
        "event_id": f"{d.number}-{n:02d}",
        "case": d.number,
        "kind": str(e.kind),
        "at": at.isoformat(),
        "actor": e.actor,
    }
    if e.reason:
        row["reason"] = e.reason
    row.update((k, str(v)) for k, v in e.extra.items())
    return row


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红文辉鹏飞宇欣怡浩然子涵梓轩"
# fmt: off
FIRMS = (
    "星光", "云溪", "华韵", "凤鸣", "逸动", "山水", "晨曦", "锦程",
    "乐享", "新潮", "汇通", "楚风", "天悦", "博雅", "湘韵",
)
# fmt: on
TRADES = {
    "license": ("文化传媒有限公司", "娱乐有限公司", "网络科技有限公司", "国际旅行社有限公司"),
    "penalty": ("文化娱乐有限公司", "网吧", "演艺有限公司", "旅行社有限公司"),
    "other": ("演艺经纪有限公司", "艺术品有限公司", "旅行社有限公司"),
    "levy": ("置业有限公司", "建设开发有限公司"),
}


def _applicant(rng: random.Random, item: ItemPlan) -> str:
    trades = TRADES.get(item.category)
    if trades and rng.random() < 0.75:
        return f"云溪区{rng.choice(FIRMS)}{rng.choice(trades)}"
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    return rng.choice(SURNAMES) + given


CORRECTIONS = (
    "申请材料不齐全，一次性告知补正营业执照副本复印件",
    "场所平面图与实际不符，一次性告知补正",
    "缺少消防安全检查意见，一次性告知补正",
    "法定代表人身份证明不清晰，一次性告知补正",
    "从业人员资格证明不全，一次性告知补正",
)
RETURNS = (
    "现场核查记录缺少核查人员签名，退回补充核查",
    "审查意见未写明适用条款，退回重新审查",
    "申请人提交的评估报告已过有效期，退回核实",
    "证据材料与事实认定不一致，退回补充说明",
)
REFUSALS = {
    "license": (
        "经现场核查，营业场所与中小学校距离不符合规定，依法不予许可",
        "申请人不具备与业务相适应的专业人员，不符合法定条件，不予许可",
        "场所消防安全条件不符合规定，不予许可",
    ),
    "penalty": (
        "违法事实不能成立，依法不予行政处罚",
        "违法行为轻微并及时改正，没有造成危害后果，依法不予行政处罚",
    ),
    "confirmation": ("申报材料不符合认定条件，不予认定",),
    "other": ("不符合办理条件，依法不予办理并书面告知理由",),
}
