"""Monthly performance scores, quarterly grades and 监察建议书 (lianfang.supervision.scores)."""

import itertools
from datetime import date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st

from lianfang.core.calendar import SHANGHAI, add_working_days
from lianfang.core.models import AuditEntry
from lianfang.supervision import rules, scores
from lianfang.supervision.models import (
    CardLevel,
    Case,
    CaseStatus,
    DepartmentScore,
    Dimension,
    Finding,
    Grade,
    QuarterGrade,
    Recommendation,
    Rule,
    ScoreAdjustment,
)

from .case_events import at
from .power_factories import PowerItemFactory

OCT = date(2026, 10, 1)
NOW = datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)
_numbers = itertools.count(1)


@pytest.fixture
def items(org):
    return {
        d.pk: PowerItemFactory(department=d) for d in (org.approval, org.finance, org.sub_office)
    }


def make_case(department, items, *, received=None, completed=None, early_at=None) -> Case:
    received = received or at(2026, 10, 9, 9)
    return Case.objects.create(
        power_item=items[department.pk],
        unit=department.unit,
        department=department,
        source="wsbs",
        external_no=f"C{next(_numbers)}",
        applicant_masked="张*",
        received_at=received,
        status=CaseStatus.COMPLETED if completed else CaseStatus.OPEN,
        completed_at=completed,
        early_at=early_at,
        last_event_at=completed or received,
    )


def find(case, rule, found=None, level=None, key="") -> Finding:
    return Finding.objects.create(
        case=case,
        rule=rule,
        key=key,
        level=rules.level(rule) if level is None else level,
        found_at=found or at(2026, 10, 20, 10),
        evidence={},
    )


def score(department, month=OCT) -> DepartmentScore:
    return DepartmentScore.objects.get(department=department, month=month)


def test_it_counts_only_the_highest_level_per_case_and_dimension_once(org, items):
    case = make_case(org.approval, items)
    find(case, Rule.PROMPT)
    find(case, Rule.NEAR_DEADLINE)
    red = find(case, Rule.PROMISED_OVERDUE)
    find(case, Rule.LEGAL_OVERDUE)  # no promised limit: both red rules fire, one red counts
    yellow = find(case, Rule.OUT_OF_ORDER)  # another dimension counts on its own
    assert scores.compute_month(OCT, now=NOW) == 1
    row = score(org.approval)
    assert row.dimensions["time"] == 4 and row.dimensions["process"] == 9
    assert row.total == Decimal("85.0")
    assert sorted(
        (d["rule"], d["points"], d["count"], d["finding_ids"]) for d in row.deductions
    ) == [
        ("out_of_order", 5, 1, [yellow.pk]),
        ("promised_overdue", 10, 1, [red.pk]),
    ]


def test_it_never_takes_a_dimension_below_zero(org, items):
    for _ in range(3):
        find(make_case(org.approval, items), Rule.FEE_WITHOUT_BASIS)  # 3 reds on a weight of 8
    scores.compute_month(OCT, now=NOW)
    row = score(org.approval)
    assert row.dimensions["fees"] == 0
    assert row.total == Decimal("92.0")
    assert row.deductions[0]["points"] == 30  # nominal, so the page shows what was found


@pytest.mark.parametrize(("prompts", "taken"), [(2, 0), (3, 3), (5, 3), (6, 6)])
def test_it_deducts_three_for_every_full_three_prompts(org, items, prompts, taken):
    ids = [find(make_case(org.approval, items), Rule.PROMPT).pk for _ in range(prompts)]
    carded = make_case(org.approval, items)  # its prompt is outranked by its yellow card
    find(carded, Rule.PROMPT)
    find(carded, Rule.NEAR_DEADLINE)
    scores.compute_month(OCT, now=NOW)
    row = score(org.approval)
    assert row.dimensions["time"] == 14 - 5 - taken
    threes = [d for d in row.deductions if d["rule"] == "prompts3"]
    if taken:
        assert threes == [
            {
                "dimension": "time",
                "rule": "prompts3",
                "points": taken,
                "count": prompts,
                "finding_ids": ids,
                "adjustment_ids": [],
            }
        ]
    else:
        assert threes == []


@pytest.mark.parametrize(("completed", "early", "bonus"), [(10, 1, 1), (10, 0, 0), (10, 2, 2)])
def test_it_adds_a_point_per_full_tenth_finished_early(org, items, completed, early, bonus):
    done = at(2026, 10, 15, 10)
    for n in range(completed):
        early_at = at(2026, 10, 15, 10) if n < early else at(2026, 10, 15, 9)
        make_case(org.approval, items, completed=done, early_at=early_at)
    find(make_case(org.approval, items), Rule.LEGAL_OVERDUE)
    scores.compute_month(OCT, now=NOW)
    row = score(org.approval)
    assert (row.cases_completed, row.cases_early) == (completed, early)
    assert row.bonus == bonus
    assert row.total == 90 + bonus


def test_it_gives_no_bonus_below_ten_percent_exactly():
    assert scores.bonus_points(1000, 99) == 0  # 9.9%
    assert scores.bonus_points(1000, 100) == 1  # 10.0%
    assert scores.bonus_points(5, 1) == 2  # 20%
    assert scores.bonus_points(0, 0) == 0


def test_it_caps_the_total_at_one_hundred(org, items):
    make_case(org.approval, items, completed=at(2026, 10, 15), early_at=at(2026, 10, 16))
    scores.compute_month(OCT, now=NOW)
    assert (score(org.approval).bonus, score(org.approval).total) == (10, 100)


def test_it_counts_a_finding_in_the_month_it_was_found_in_shanghai(org, items):
    case = make_case(org.approval, items)
    find(case, Rule.STEP_OVERDUE, found=at(2026, 10, 31, 23, 59, 59), key="accept")
    find(case, Rule.OUT_OF_ORDER, found=at(2026, 11, 1, 0, 0))
    scores.compute_month(OCT, now=NOW)
    scores.compute_month(date(2026, 11, 1), now=NOW)
    assert [d["rule"] for d in score(org.approval).deductions] == ["step_overdue"]
    november = score(org.approval, date(2026, 11, 1))
    assert [d["rule"] for d in november.deductions] == ["out_of_order"]


def test_it_recomputes_to_identical_rows_and_drops_departments_without_cases(org, items):
    find(make_case(org.approval, items), Rule.NO_REASON)
    make_case(org.finance, items)
    stale = make_case(org.sub_office, items)
    fields = ["department", "total", "bonus", "dimensions", "deductions", "computed_at"]
    assert scores.compute_month(date(2026, 10, 17), now=NOW) == 3  # any day means its month
    first = list(DepartmentScore.objects.order_by("pk").values("pk", *fields))
    assert scores.compute_month(OCT, now=NOW) == 3
    assert list(DepartmentScore.objects.order_by("pk").values("pk", *fields)) == first
    stale.delete()
    assert scores.compute_month(OCT, now=NOW) == 2
    assert not DepartmentScore.objects.filter(department=org.sub_office).exists()
    assert (
        AuditEntry.objects.filter(object_type="supervision.score", object_id="2026-10").count() == 3
    )


@pytest.mark.parametrize(
    ("average", "grade"),
    [
        ("100.0", Grade.EXCELLENT),
        ("90.0", Grade.EXCELLENT),
        ("89.9", Grade.GOOD),
        ("80.0", Grade.GOOD),
        ("79.9", Grade.PASS),
        ("60.0", Grade.PASS),
        ("59.9", Grade.FAIL),
        ("0.0", Grade.FAIL),
    ],
)
def test_it_grades_by_the_floors(average, grade):
    assert scores.grade_for(Decimal(average)) == grade


points = st.decimals(min_value=0, max_value=200, places=1)
taken_by = st.dictionaries(st.sampled_from(Dimension.values), points)


@given(
    taken=taken_by,
    bonus=st.integers(0, 10),
    extra=points,
    dimension=st.sampled_from(Dimension.values),
)
def test_it_keeps_the_total_in_range_and_monotone_in_deductions(taken, bonus, extra, dimension):
    weight = {
        d: Decimal(w)
        for d, w in zip(Dimension.values, (10, 14, 14, 8, 10, 10, 14, 10, 10), strict=True)
    }
    kept, total = scores.totals(taken, Decimal(bonus), weight)
    assert Decimal(0) <= total <= Decimal(100)
    assert all(Decimal(0) <= kept[d] <= weight[d] for d in weight)
    more = {**taken, dimension: taken.get(dimension, Decimal(0)) + extra}
    assert scores.totals(more, Decimal(bonus), weight)[1] <= total


def failing(org, department, month, personas):
    """A month of 54 points, taken by hand."""
    for dimension, points in (
        ("disclosure", 10),
        ("process", 14),
        ("integrity", 10),
        ("inspection", 12),
    ):
        ScoreAdjustment.objects.create(
            department=department,
            month=month,
            dimension=dimension,
            points=points,
            reason="未按规定公开办事指南",
            created_by=personas.jijian,
        )


def test_it_grades_the_quarter_and_issues_a_recommendation_once(org, items, personas):
    for month in (date(2026, 7, 1), date(2026, 8, 1)):
        make_case(org.approval, items, received=at(month.year, month.month, 10, 9))
        make_case(org.finance, items, received=at(month.year, month.month, 10, 9))
        failing(org, org.approval, month, personas)
        scores.compute_month(month, now=NOW)
    failing(org, org.finance, date(2026, 9, 1), personas)
    scores.compute_month(date(2026, 9, 1), now=NOW)  # finance: 100, 100, 54 → 84.7
    result = scores.compute_quarter(2026, 3, now=NOW)
    assert result.grades == {"excellent": 0, "good": 1, "pass": 0, "fail": 1}
    grade = QuarterGrade.objects.get(department=org.approval)
    assert (grade.average, grade.grade) == (Decimal("54.0"), Grade.FAIL)  # September: no score
    assert QuarterGrade.objects.get(department=org.finance).average == Decimal("84.7")
    letter = Recommendation.objects.get()
    assert letter.number == "监建〔2026〕1号"
    assert letter.grade == grade and letter.issued_at == NOW
    assert letter.reply_due == add_working_days(NOW, 15)
    assert "2026年第3季度" in letter.issues and "2026年7月得分 54.0 分" in letter.issues
    assert "政务公开：监察室录入扣分 1 次，扣 10 分" in letter.issues
    assert "15个工作日内" in letter.suggestions
    assert AuditEntry.objects.filter(object_type="supervision.recommendation").count() == 1

    assert scores.compute_quarter(2026, 3, now=NOW).recommendations == []
    assert Recommendation.objects.count() == 1

    failing(org, org.finance, date(2026, 7, 1), personas)
    failing(org, org.finance, date(2026, 8, 1), personas)
    for month in (date(2026, 7, 1), date(2026, 8, 1)):
        scores.compute_month(month, now=NOW)
    [second] = scores.compute_quarter(2026, 3, now=NOW).recommendations
    assert second.number == "监建〔2026〕2号"


def test_it_validates_an_adjustment_naming_the_field(org, personas):
    def errors(**changes):
        data = {
            "user": personas.jijian,
            "department": org.approval,
            "month": date(2026, 10, 17),
            "dimension": "disclosure",
            "points": "2",
            "reason": "政务公开栏未更新",
            **changes,
        }
        with pytest.raises(ValidationError) as caught:
            scores.adjustment_create(**data)
        return caught.value.message_dict

    assert "points" in errors(points="0")
    assert "10" in errors(points="10.5")["points"][0]  # more than the weight
    assert "points" in errors(points="abc")
    assert "dimension" in errors(dimension="beauty")
    assert "reason" in errors(reason="  ")
    assert "month" in errors(month=None)
    assert not ScoreAdjustment.objects.exists()
    with pytest.raises(PermissionDenied):
        scores.adjustment_create(
            user=personas.dept_head,
            department=org.finance,
            month=OCT,
            dimension="disclosure",
            points=1,
            reason="x",
        )


def test_it_records_and_removes_an_adjustment_and_rescores_the_month(org, items, personas):
    make_case(org.approval, items)
    scores.compute_month(OCT, now=NOW)
    adjustment = scores.adjustment_create(
        user=personas.jijian,
        department=org.approval,
        month=date(2026, 10, 17),
        dimension="attitude",
        points="2.5",
        reason="群众反映窗口人员态度生硬",
    )
    assert adjustment.month == OCT and adjustment.created_by == personas.jijian
    row = score(org.approval)
    assert row.total == Decimal("97.5") and row.dimensions["attitude"] == 7.5
    assert row.deductions[0]["adjustment_ids"] == [adjustment.pk]
    scores.adjustment_delete(user=personas.jijian, adjustment=adjustment)
    assert score(org.approval).total == 100
    entries = AuditEntry.objects.filter(object_type="supervision.scoreadjustment")
    assert list(entries.order_by("seq").values_list("action", flat=True)) == ["create", "delete"]


def test_it_shows_each_user_only_the_scores_in_scope(
    org, items, personas, django_assert_num_queries
):
    case = make_case(org.finance, items)
    finding = find(case, Rule.FEE_MISMATCH)
    make_case(org.approval, items)
    find(make_case(org.sub_office, items), Rule.OUTSIDE_SYSTEM)
    scores.compute_month(OCT, now=NOW)
    assert personas.jijian.data_scope == "all"  # the user's roles, read once per request
    with django_assert_num_queries(1):
        rows = list(scores.month_table(personas.jijian, date(2026, 10, 31)))
        assert [(r.department_name, r.total, r.unit.name) for r in rows] == [
            ("综合科", Decimal("90.0"), "局属中心"),
            ("财务科", Decimal("95.0"), "市局"),
            ("审批科", Decimal("100.0"), "市局"),
        ]
    assert [r.department for r in scores.month_table(personas.dept_head, OCT)] == [org.finance]
    with pytest.raises(Http404):
        scores.score_detail(personas.dept_head, score(org.approval).pk)
    detail = scores.score_detail(personas.dept_head, score(org.finance).pk)
    [deduction] = detail.deductions
    assert deduction["sentence"] == "收费合理：“收费与标准不符”1 件，扣 5 分"
    [shown] = deduction["findings"]
    assert (shown["id"], shown["external_no"], shown["rule_label"]) == (
        finding.pk,
        case.external_no,
        "收费与标准不符",
    )
    assert shown["found_at"] == at(2026, 10, 20, 10) and shown["found_at"].tzinfo is not None


def test_it_scores_and_grades_from_the_command(org, items):
    find(make_case(org.approval, items), Rule.LEGAL_OVERDUE)
    out = StringIO()
    call_command("supervise", "score", "--month", "2026-10", "--now", NOW.isoformat(), stdout=out)
    assert "2026年10月绩效得分：已计算 1 个部门，最低 90.0 分（审批科" in out.getvalue()
    assert score(org.approval).computed_at == NOW
    out = StringIO()
    call_command("supervise", "score", "--quarter", "2026Q4", stdout=out)
    assert (
        "2026年第4季度绩效等次：已评定 1 个部门（优秀 1，良好 0，合格 0，不合格 0）"
        in out.getvalue()
    )
    with pytest.raises(CommandError, match="--month"):
        call_command("supervise", "score", "--month", "2026-13")
    with pytest.raises(CommandError, match="--quarter"):
        call_command("supervise", "score", "--quarter", "2026Q5")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SUPERVISION_SCORE_WEIGHTS", {**dict.fromkeys(Dimension.values, "11")}),
        ("SUPERVISION_SCORE_WEIGHTS", {"time": "100"}),
        ("SUPERVISION_DEDUCTIONS", {"prompts3": "3", "yellow": "-5", "red": "10"}),
        ("SUPERVISION_GRADE_FLOORS", {"excellent": "80", "good": "90", "pass": "60"}),
    ],
)
def test_it_refuses_bad_score_settings(settings, name, value):
    scores.check_settings()
    setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        scores.check_settings()


def test_it_deducts_by_the_level_a_finding_was_made_with(org, items):
    # A rule set to another level after a finding keeps the level the finding was made with.
    case = make_case(org.approval, items)
    find(case, Rule.FEE_MISMATCH, level=CardLevel.RED)
    scores.compute_month(OCT, now=NOW)
    assert score(org.approval).dimensions["fees"] == 0
