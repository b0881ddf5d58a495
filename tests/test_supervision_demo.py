"""The demo's year of approval cases (lianfang.supervision.demo, demo_cases)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from lianfang.core import calendar
from lianfang.powers.demo_data import FLOWS, ITEMS
from lianfang.powers.models import CaseStep, Category
from lianfang.supervision import demo, demo_cases, tally
from lianfang.supervision.demo_cases import EXPECTED_RULE, RED, ItemPlan, Standard, generate
from lianfang.supervision.models import (
    CardLevel,
    Case,
    CaseEvent,
    CaseStatus,
    CaseTally,
    DepartmentScore,
    Finding,
    QuarterGrade,
    Recommendation,
)

from .power_factories import DiscretionStandardFactory, PowerItemFactory, simple_flow

UNTIL = date(2026, 6, 30)  # a Tuesday that ends the second quarter
DAYS = 28


@pytest.fixture
def items(org):
    """A flowchart-timed licence, a plain licence, a charged one and penalties, all published."""
    place = {"department": org.approval, "published": True, "legal_limit": 20}
    timed = PowerItemFactory(**place, promised_limit=8)
    simple_flow(timed, case_steps={"accept": "accept", "review": "undertake", "decide": "approve"})
    plain = PowerItemFactory(**place, promised_limit=5)
    charged = PowerItemFactory(**place, promised_limit=5, fee_amount=Decimal("2.00"))
    penalties = [
        PowerItemFactory(**place, promised_limit=5, category=Category.PENALTY) for _ in range(3)
    ]
    for penalty in penalties:
        DiscretionStandardFactory(item=penalty)
        DiscretionStandardFactory(
            item=penalty, circumstance="minor", penalty_types="警告", amount_min=None
        )
    PowerItemFactory(department=org.approval, published=False, promised_limit=5)
    return [timed, plain, charged, *penalties]


def _span(until: date, days: int) -> list[date]:
    return demo.workdays(demo.window(until, days), until + timedelta(days=demo.TAIL_DAYS))


def _snapshot():
    findings = sorted(
        Finding.objects.values_list("case__external_no", "rule", "key", "level", "found_at")
    )
    scores = sorted(
        (
            s.department_id,
            s.month,
            s.total,
            s.bonus,
            sorted(s.dimensions.items()),
            [(d["dimension"], d["rule"], d["points"], d["count"]) for d in s.deductions],
            s.cases_completed,
            s.cases_early,
        )
        for s in DepartmentScore.objects.all()
    )
    grades = sorted(QuarterGrade.objects.values_list("department_id", "year", "quarter", "grade"))
    return findings, scores, grades


def _flush():
    Recommendation.objects.all().delete()
    QuarterGrade.objects.all().delete()
    DepartmentScore.objects.all().delete()
    Finding.objects.all().delete()
    CaseEvent.objects.all().delete()
    Case.objects.all().delete()


def test_it_generates_the_same_rows_for_the_same_until(items):
    cutoff = calendar.end_of_day(UNTIL)
    plans = demo.plans(UNTIL)
    first = generate(plans, _span(UNTIL, DAYS), cutoff=cutoff, scale=DAYS / 365)
    again = generate(demo.plans(UNTIL), _span(UNTIL, DAYS), cutoff=cutoff, scale=DAYS / 365)
    assert first.rows == again.rows and first.anomalies == again.anomalies
    assert {p.code for p in plans} == {i.code for i in items}  # published only
    later = generate(plans, _span(UNTIL + timedelta(days=7), DAYS), cutoff=cutoff)
    assert later.rows != first.rows


def test_it_keeps_events_on_working_days_at_office_hours_up_to_the_cutoff(items):
    cutoff = calendar.end_of_day(UNTIL)
    rows = generate(demo.plans(UNTIL), _span(UNTIL, DAYS), cutoff=cutoff).rows
    first = demo.window(UNTIL, DAYS)
    for row in rows:
        at = datetime.fromisoformat(row["at"]).astimezone(calendar.SHANGHAI)
        assert calendar.is_workday(at) and first <= at.date() <= UNTIL
        assert time(8, 30) <= at.time() <= time(12) or time(14) <= at.time() <= time(17, 30)
        assert row["case"].startswith("WS2026") and row["source"] == "wsbs"
    times = [datetime.fromisoformat(r["at"]) for r in rows]
    assert times == sorted(times)


def test_it_replays_the_demo_to_the_same_cards_and_scores_twice(items):
    summary = demo.load_supervision(until=UNTIL, days=DAYS)  # raises on any rejected row
    assert CaseEvent.objects.count() == summary.events and Case.objects.count() == summary.cases
    assert Case.objects.filter(status__in=(CaseStatus.OPEN, CaseStatus.PAUSED)).exists()
    first = _snapshot()
    assert first[1] and first[2]  # monthly scores and the second quarter's grades
    # The board's running daily counts agree with counting the year's cases afresh.
    kept = _tallies()
    tally.rebuild()
    assert _tallies() == kept

    # Each card is on a case given an anomaly, and each anomaly gives its card.
    planned = generate(
        demo.plans(UNTIL),
        _span(UNTIL, DAYS),
        cutoff=calendar.end_of_day(UNTIL),
        scale=((UNTIL - demo.window(UNTIL, DAYS)).days + 1) / 365,
    ).anomalies
    assert all(planned.values())  # the window holds a case for every kind of card
    kind_of = {no: kind for kind, numbers in planned.items() for no in numbers}
    cards = Finding.objects.filter(level__gte=CardLevel.YELLOW)
    assert {no for no, *_ in first[0] if no in kind_of} == set(kind_of)
    for number, rule in cards.values_list("case__external_no", "rule"):
        assert number in kind_of, (number, rule)
    for number, kind in kind_of.items():
        rules = set(cards.filter(case__external_no=number).values_list("rule", flat=True))
        assert EXPECTED_RULE[kind] in rules, (number, kind, rules)

    _flush()
    demo.load_supervision(until=UNTIL, days=DAYS)
    assert _snapshot() == first


def _tallies() -> list[tuple]:
    """The non-zero daily counts, in order."""
    rows = CaseTally.objects.order_by("day", "department", "power_item")
    fields = ("day", "department_id", "power_item_id", *tally.COUNTS)
    return [row for row in rows.values_list(*fields) if any(row[3:])]


def _demo_like_items() -> list[ItemPlan]:
    """The demo bureau's mix of items with cases (see lianfang.powers.demo_data)."""
    licence = {"accept": 1, "undertake": 3, "review": 2, "approve": 2}
    penalty = {"accept": 2, "undertake": 15, "review": 10, "approve": 13}
    standard = (Standard("ordinary", "警告，并处罚款", Decimal(5000), Decimal(10000)),)
    plans = [ItemPlan(f"L{n:02d}", "license", 10, licence if n < 8 else {}) for n in range(17)]
    plans += [ItemPlan(f"O{n}", "other", 5) for n in range(6)]
    plans += [
        ItemPlan(f"P{n:02d}", "penalty", 45, penalty if n < 4 else {}, standards=standard)
        for n in range(29)
    ]
    plans += [ItemPlan(f"C{n}", "confirmation", 30) for n in range(2)]
    plans += [ItemPlan(f"B{n}", "benefit", 20) for n in range(2)]
    plans.append(ItemPlan("F1", "levy", 10, fee=Decimal("3.00")))
    return plans


@pytest.mark.django_db
def test_it_keeps_a_year_of_red_cards_within_one_in_ten_thousand_to_one_in_a_thousand():
    until = UNTIL
    year = generate(
        _demo_like_items(), _span(until, None), cutoff=calendar.end_of_day(until), scale=1.0
    )
    assert 6000 <= year.cases <= 10000
    red = sum(len(year.anomalies[kind]) for kind in RED)
    assert 1e-4 <= red / year.cases <= 1e-3
    assert all(year.anomalies.values())  # every kind of card occurs
    completed = {r["case"] for r in year.rows if r["kind"] == "complete"}
    assert 0.9 < len(completed) / year.cases < 1  # the latest cases are still open


def test_it_maps_each_demo_flow_case_step_onto_its_nodes_within_the_promised_limit():
    promised = {row[1]: row[9] for row in ITEMS}
    mapped = [name for name, flow in FLOWS.items() if flow.get("case_steps")]
    assert len(mapped) >= 12
    for name in mapped:
        flow = FLOWS[name]
        keys = {step[0] for step in flow["steps"]}
        steps = dict.fromkeys(CaseStep.values, 0)
        for key, _kind, _name, _post, days, *_rest in flow["steps"]:
            if key in flow["case_steps"]:
                steps[flow["case_steps"][key]] += days
        assert set(flow["case_steps"].values()) <= set(CaseStep.values), name
        assert {"accept", "undertake", "approve"} <= set(flow["case_steps"].values()), name
        assert set(flow["case_steps"]) & keys, name
        timed = sum(days for step, days in steps.items() if step != CaseStep.COMPLETE)
        assert timed <= promised[name] - 1, name


def test_it_reads_handlers_from_the_flowchart_posts_and_the_department(items, org):
    plans = {p.code: p for p in demo.plans(UNTIL)}
    timed = plans[items[0].code]
    assert timed.steps == {"accept": 1, "undertake": 3, "approve": 2}
    assert timed.emitted == ["accept", "undertake", "approve", "complete"]
    approver = org.people.approver.staff_no
    assert set(timed.actors[CaseStep.ACCEPT]) == {approver}
    assert plans[items[2].code].fee == Decimal("2.00")
    assert len(plans[items[3].code].standards) == 2
    assert demo_cases.SOURCE == "wsbs"
