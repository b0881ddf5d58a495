"""The electronic supervision pages: board, cases, cards, scores, 监察建议书, and a finding's
explanation in words (lianfang.supervision.explain)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lianfang.core.calendar import as_date
from lianfang.core.models import AuditEntry, Notification
from lianfang.supervision import explain, scores, selectors
from lianfang.supervision.ingest import ingest
from lianfang.supervision.models import (
    Case,
    DepartmentScore,
    Finding,
    Grade,
    QuarterGrade,
    Recommendation,
    Rule,
    ScoreAdjustment,
)
from lianfang.supervision.sweep import sweep

from .case_events import at
from .power_factories import PowerItemFactory


def accept(item, case, when="2026-09-28T09:00:00+08:00", applicant="张小明"):
    return {
        "source": "wsbs",
        "event_id": f"{case}-1",
        "case": case,
        "kind": "accept",
        "at": when,
        "actor": "李四",
        "power_item": item.code,
        "applicant": applicant,
    }


def event(case, n, kind, when, **extra):
    row = {"source": "wsbs", "event_id": f"{case}-{n}", "case": case, "kind": kind, "at": when}
    return {"actor": "王五", **row, **extra}


def run(*rows) -> None:
    result = ingest(list(rows), actor=None, source_name="test")
    assert result.rejected == []


@pytest.fixture
def plain(org):
    """承诺 3, 法定 20 working days, handled by 审批科 (outside the finance head's scope)."""
    return PowerItemFactory(department=org.approval, legal_limit=20, promised_limit=3)


@pytest.fixture
def finance_item(org):
    return PowerItemFactory(department=org.finance, legal_limit=20, promised_limit=3)


@pytest.fixture
def late_case(plain):
    """Received Mon 2026-09-28, due Thu 10-08 (after National Day), red on Fri 10-09."""
    run(accept(plain, "C1"), event("C1", 2, "undertake", "2026-09-29T10:00:00+08:00"))
    sweep(at(2026, 10, 9, 9))
    return Case.objects.get(external_no="C1")


@pytest.fixture
def finance_card(finance_item):
    run(accept(finance_item, "F1"))
    sweep(at(2026, 10, 9, 9))
    return Finding.objects.get(case__external_no="F1", rule=Rule.PROMISED_OVERDUE)


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- access


@pytest.mark.parametrize(
    "name", ["supervision:board", "supervision:cases", "supervision:scores", "supervision:grades"]
)
def test_it_shows_the_supervision_pages_to_watchers_only(client, personas, late_case, name):
    url = reverse(name)
    assert get(client, personas.jijian, url).status_code == 200
    assert get(client, personas.dept_head, url).status_code == 200
    assert get(client, personas.staff, url).status_code == 403  # answers cards, watches none
    assert get(client, personas.sysadmin, url).status_code == 403


def test_it_shows_the_board_counts_and_chart_data(client, personas, late_case):
    response = get(client, personas.jijian, reverse("supervision:board"))
    body = response.content.decode()
    assert 'id="chart-trend-data"' in body and 'id="chart-departments-data"' in body
    counts = response.context["counts"]
    assert counts["open"] == 1
    # The board is read for today; the sweep above found its cards in October 2026.
    rows = selectors.board_by_department(personas.jijian, at(2026, 10, 1))
    assert rows[0]["name"] == "审批科"
    assert (rows[0]["received"], rows[0]["open"], rows[0]["red"]) == (0, 0, 1)


def test_it_counts_the_board_within_the_scope(personas, late_case, finance_card):
    now = at(2026, 10, 9, 12)
    everyone = selectors.board_counts(personas.jijian, now)
    # Swept only after the due day: a red card each, no prompt nor yellow one.
    assert (everyone["open"], everyone["red_today"], everyone["yellow_month"]) == (2, 2, 0)
    finance = selectors.board_counts(personas.dept_head, now)
    assert (finance["open"], finance["red_today"], finance["red_month"]) == (1, 1, 1)
    assert selectors.board_counts(personas.dept_head, at(2026, 10, 10, 9))["red_today"] == 0
    by_item = selectors.board_by_item(personas.dept_head, at(2026, 9, 1))
    assert [r["name"] for r in by_item] == [finance_card.case.power_item.name]
    trend = selectors.board_trend(personas.jijian, at(2026, 10, 8), now)
    assert [(r["day"], r["yellow"], r["red"]) for r in trend] == [
        (date(2026, 10, 8), 0, 0),
        (date(2026, 10, 9), 0, 2),
    ]


def test_it_reads_each_board_aggregate_in_two_queries(personas, late_case, finance_card):
    since, now = at(2026, 9, 1), at(2026, 10, 9, 12)
    for read in (
        lambda: selectors.board_counts(personas.dept_head, now),
        lambda: selectors.board_by_department(personas.dept_head, since),
        lambda: selectors.board_by_item(personas.jijian, since),
        lambda: selectors.board_trend(personas.jijian, since, now),
    ):
        read()  # the user's roles and offices, read once per request, are not the aggregate's
        with CaptureQueriesContext(connection) as queries:
            read()
        assert len(queries) <= 2


def test_it_hides_a_case_outside_the_scope(client, personas, late_case):
    url = reverse("supervision:case", args=[late_case.pk])
    assert get(client, personas.jijian, url).status_code == 200
    assert get(client, personas.dept_head, url).status_code == 404  # 审批科 is not theirs
    assert get(client, personas.staff, url).status_code == 403


def test_it_filters_the_case_list(client, personas, late_case, finance_card):
    url = reverse("supervision:cases")
    response = get(client, personas.jijian, url + "?q=f1")
    assert [c.external_no for c in response.context["page"]] == ["F1"]
    response = get(client, personas.jijian, url + f"?department={late_case.department_id}")
    assert [c.external_no for c in response.context["page"]] == ["C1"]
    response = get(client, personas.jijian, url + "?received_from=2026-09-29")
    assert list(response.context["page"]) == []
    response = get(client, personas.dept_head, url)
    assert [c.external_no for c in response.context["page"]] == ["F1"]


def test_it_lists_cases_in_a_fixed_number_of_queries(client, personas, plain, finance_item):
    client.force_login(personas.jijian)
    url = reverse("supervision:cases")
    run(accept(plain, "A1"))
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    run(*[accept(item, f"B{i}") for i, item in enumerate([plain, finance_item] * 3)])
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).context["page"]) == 7
    assert len(many) == len(one)


def test_it_lists_cards_in_a_fixed_number_of_queries(client, personas, finance_item):
    client.force_login(personas.dept_head)
    url = reverse("supervision:cards")
    run(accept(finance_item, "A1"))
    sweep(at(2026, 10, 9, 9))
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    run(*[accept(finance_item, f"B{i}", when="2026-09-29T09:00:00+08:00") for i in range(4)])
    sweep(at(2026, 10, 12, 9))
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).context["page"]) > 4
    assert len(many) == len(one)


# --- the case page


def test_it_masks_the_applicant_unless_asked_by_someone_allowed(client, personas, finance_card):
    case = finance_card.case
    url = reverse("supervision:case", args=[case.pk])
    body = get(client, personas.jijian, url).content.decode()
    assert case.applicant_masked in body and "张小明" not in body
    assert "查看完整信息" in body
    body = get(client, personas.dept_head, url).content.decode()
    assert "查看完整信息" not in body
    assert client.get(url + "?applicant=full").status_code == 403
    assert not AuditEntry.objects.filter(action="view").exists()

    body = get(client, personas.jijian, url + "?applicant=full").content.decode()
    assert "张小明" in body
    entry = AuditEntry.objects.get(action="view")
    assert (entry.actor, entry.object_type, entry.object_id) == (
        personas.jijian,
        "supervision.case",
        str(case.pk),
    )
    assert "张小明" not in str(entry.after)


def test_it_draws_the_timeline_against_the_deadlines(client, personas, plain):
    run(
        accept(plain, "P1"),
        event("P1", 2, "suspend", "2026-09-29T10:00:00+08:00", reason="等待现场核查"),
        event("P1", 3, "resume", "2026-10-09T10:00:00+08:00"),
    )
    case = Case.objects.get(external_no="P1")
    # (09-29, 10-09] holds 3 working days (09-30, 10-08, 10-09): due 6 working days after 09-28.
    assert as_date(case.due_at) == date(2026, 10, 12)
    response = get(client, personas.jijian, reverse("supervision:case", args=[case.pk]))
    rows = response.context["rows"]
    events = [(r.label, r.used, r.note) for r in rows if r.kind == "event"]
    assert events == [("受理", 0, ""), ("暂停", 1, "停止计时"), ("恢复", 1, "恢复计时")]
    deadlines = [r.label for r in rows if r.kind == "deadline"]
    assert deadlines == ["承诺办结期限", "法定办结期限"]
    chart = response.context["chart"]
    assert chart["pauses"] == [[at(2026, 9, 29, 10).isoformat(), at(2026, 10, 9, 10).isoformat()]]
    assert "等待现场核查" in response.content.decode()


# --- the explanation


def test_it_explains_a_red_card_across_the_national_day_holiday(late_case):
    finding = late_case.findings.get(rule=Rule.PROMISED_OVERDUE)
    text = explain.explain(finding, late_case, selectors.events_of(late_case))
    assert [d for d, _note in text.counted] == [
        date(2026, 9, 29),
        date(2026, 9, 30),
        date(2026, 10, 8),
    ]
    assert [d for d, _why in text.skipped] == [date(2026, 10, i) for i in range(1, 8)]
    assert text.late == [date(2026, 10, 9)]
    assert text.sentences[1] == "所涉期限：承诺办结期限，2026年10月8日（星期四） 24 时止。"
    assert text.sentences[2].startswith("时限 3 个工作日，自受理之日 9月28日 的次日起算")
    assert text.sentences[3] == "计入的工作日共 3 天：9月29日、9月30日、10月8日。"
    assert text.sentences[4] == "未计入：10月1日至10月7日（国庆节假期）。"
    assert text.sentences[5] == "发现时已超过期限 1 个工作日（10月9日）。"


def test_it_counts_a_make_up_saturday_and_leaves_out_stopped_days(plain):
    # Fri 10-09 + 3 → Sat 10-10 (调休), Mon 10-12, Tue 10-13; a 补正 10-12 → 10-13 adds one.
    run(
        accept(plain, "S1", when="2026-10-09T09:00:00+08:00"),
        event("S1", 2, "correct", "2026-10-12T09:00:00+08:00", reason="补交材料"),
        event("S1", 3, "resume", "2026-10-13T09:00:00+08:00"),
    )
    case = Case.objects.get(external_no="S1")
    assert as_date(case.due_at) == date(2026, 10, 14)
    sweep(at(2026, 10, 15, 9))
    finding = case.findings.get(rule=Rule.PROMISED_OVERDUE)
    text = explain.explain(finding, case, selectors.events_of(case))
    assert text.counted == [
        (date(2026, 10, 10), "国庆节调休上班"),
        (date(2026, 10, 12), ""),
        (date(2026, 10, 14), ""),
    ]
    assert text.skipped == [(date(2026, 10, 11), "周末"), (date(2026, 10, 13), "停止计时")]
    assert "10月10日（国庆节调休上班）" in text.sentences[3]


def test_it_explains_a_prompt_before_the_deadline(plain):
    run(accept(plain, "Q1"))
    sweep(at(2026, 9, 30, 9))
    case = Case.objects.get(external_no="Q1")
    finding = case.findings.get(rule=Rule.PROMPT)
    text = explain.explain(finding, case, [])
    assert text.late == []
    assert text.sentences[-1] == "发现时尚未超过期限，距期限还有 1 个工作日。"


# --- cards


def test_it_lets_a_handler_answer_only_the_cards_notified_to_them(client, personas, finance_card):
    url = reverse("supervision:card", args=[finance_card.pk])
    assert get(client, personas.staff, url).status_code == 404  # self scope, not notified
    watched = get(client, personas.jijian, url)  # the supervision office watches every card
    assert watched.status_code == 200 and not watched.context["can_reply"]
    client.force_login(personas.jijian)
    assert client.post(url, {"reply": "代为答复"}).status_code == 403  # but does not answer
    Notification.objects.create(
        recipient=personas.staff,
        title="红牌",
        object_type="supervision.finding",
        object_id=str(finance_card.pk),
        reason="card",
        created_at=timezone.now(),
    )
    response = get(client, personas.staff, reverse("supervision:cards"))
    assert [f.pk for f in response.context["page"]] == [finance_card.pk]
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="reply"' in response.content.decode()
    assert "10月8日" in response.content.decode()  # the explanation

    response = client.post(url, {"reply": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors["reply"]
    response = client.post(url, {"reply": "x" * 2001})
    assert response.status_code == 400
    response = client.post(url, {"reply": "已督促承办人办结，今后每日核查在办件期限。"})
    assert response.status_code == 302
    finding_after = Finding.objects.get(pk=finance_card.pk)
    assert finding_after.reply.startswith("已督促") and finding_after.replied_by == personas.staff
    body = client.get(url).content.decode()
    assert 'name="reply"' not in body and "已督促承办人办结" in body
    assert client.post(url, {"reply": "再答一次"}).status_code == 403


def test_it_filters_the_inbox_by_reply_state(client, personas, finance_item):
    run(accept(finance_item, "F1"), accept(finance_item, "F2"), accept(finance_item, "F3"))
    sweep(at(2026, 10, 9, 9))
    late, due, done = (
        Finding.objects.get(case__external_no=n, rule=Rule.PROMISED_OVERDUE)
        for n in ("F1", "F2", "F3")
    )
    now = timezone.now()
    Finding.objects.filter(pk=late.pk).update(reply_due_at=now - timedelta(days=1))
    Finding.objects.filter(pk=due.pk).update(reply_due_at=now + timedelta(days=1))
    Finding.objects.filter(pk=done.pk).update(reply="已整改", replied_at=now)
    client.force_login(personas.dept_head)
    url = reverse("supervision:cards")

    def shown(query=""):
        return {f.pk for f in client.get(url + query).context["page"]}

    assert shown() == shown("?state=unreplied") == {late.pk, due.pk}
    assert shown("?state=overdue") == {late.pk}
    assert shown("?state=replied") == {done.pk}
    assert shown("?state=all") == {late.pk, due.pk, done.pk}
    assert get(client, personas.auditor, url).status_code == 403


# --- scores, grades and the 监察建议书


def _score(department, total, deductions=()):
    return DepartmentScore.objects.create(
        unit=department.unit,
        department=department,
        month=date(2026, 10, 1),
        total=Decimal(total),
        dimensions={"time": 4, "process": 14},
        deductions=list(deductions),
        cases_completed=3,
        cases_early=1,
        computed_at=timezone.now(),
    )


def test_it_ranks_the_month_lowest_first_and_drills_down(client, personas, org, finance_card):
    red = {
        "dimension": "time",
        "rule": "promised_overdue",
        "points": 10,
        "count": 1,
        "finding_ids": [finance_card.pk],
    }
    low = _score(org.finance, "90.0", [red])
    _score(org.approval, "100.0")
    response = get(client, personas.jijian, reverse("supervision:scores") + "?month=2026-10")
    assert [s.pk for s, _kept in response.context["rows"]] == [low.pk, low.pk + 1]
    assert "期限合法" in response.content.decode()
    url = reverse("supervision:score", args=[low.pk])
    body = client.get(url).content.decode()
    assert reverse("supervision:case", args=[finance_card.case_id]) in body
    assert "扣 10 分" in body
    other = DepartmentScore.objects.get(department=org.approval)
    assert get(client, personas.dept_head, url).status_code == 200
    detail = reverse("supervision:score", args=[other.pk])
    assert client.get(detail).status_code == 404


def test_it_lets_the_office_record_and_withdraw_a_manual_deduction(client, personas, finance_card):
    scores.compute_month(date(2026, 10, 1), now=timezone.now())
    score = DepartmentScore.objects.get(department=finance_card.case.department)
    url = reverse("supervision:score", args=[score.pk])
    client.force_login(personas.dept_head)
    assert client.get(url).context["form"] is None  # sees the score, cannot deduct
    assert (
        client.post(url, {"dimension": "satisfaction", "points": "2", "reason": "x"}).status_code
        == 403
    )
    client.force_login(personas.jijian)
    bad = client.post(url, {"dimension": "satisfaction", "points": "11", "reason": "群众投诉"})
    assert bad.status_code == 400 and "不能超过" in str(bad.context["form"].errors["points"])
    assert not ScoreAdjustment.objects.exists()
    done = client.post(url, {"dimension": "satisfaction", "points": "2", "reason": "群众投诉两起"})
    assert done.status_code == 302
    score.refresh_from_db()
    assert score.dimensions["satisfaction"] == 8
    assert "群众投诉两起" in client.get(url).content.decode()
    adjustment = ScoreAdjustment.objects.get()
    client.post(reverse("supervision:adjustment_delete", args=[adjustment.pk]))
    score.refresh_from_db()
    assert score.dimensions["satisfaction"] == 10 and not ScoreAdjustment.objects.exists()
    assert AuditEntry.objects.filter(object_type="supervision.scoreadjustment").count() == 2


def test_it_prints_a_recommendation_in_scope_only(client, personas, org):
    grade = QuarterGrade.objects.create(
        unit=org.bureau,
        department=org.approval,
        year=2026,
        quarter=3,
        average=Decimal("55.0"),
        grade=Grade.FAIL,
        computed_at=timezone.now(),
    )
    rec = Recommendation.objects.create(
        grade=grade,
        number="监建〔2026〕1号",
        issues="经电子监察绩效测评，你部门月均得分 55.0 分。\n1. 7月得分 50 分。",
        suggestions="请认真整改。",
        reply_due=date(2026, 10, 30),
        issued_at=at(2026, 10, 9, 10),
    )
    response = get(client, personas.jijian, reverse("supervision:grades") + "?quarter=2026Q3")
    assert "监建〔2026〕1号" in response.content.decode()
    url = reverse("supervision:recommendation", args=[rec.pk])
    body = client.get(url).content.decode()
    for text in (
        "监察建议书",
        "审批科：",
        "存在问题",
        "监察建议",
        "整改反馈期限",
        "二〇二六年十月九日",
    ):
        assert text in body
    assert "二〇二六年十月三十日" in body
    assert get(client, personas.dept_head, url).status_code == 404


def test_it_writes_official_dates():
    from lianfang.supervision.views.scores import official_date

    assert official_date(date(2026, 1, 10)) == "二〇二六年一月十日"
    assert official_date(date(2026, 12, 31)) == "二〇二六年十二月三十一日"
    assert official_date(date(2027, 11, 18)) == "二〇二七年十一月十八日"
    assert official_date(date(2026, 10, 1) + timedelta(days=19)) == "二〇二六年十月二十日"


def test_it_counts_the_trend_by_the_day_in_shanghai(personas, plain):
    # Found at 00:30 in Shanghai, still the day before in UTC.
    run(accept(plain, "C1"))
    sweep(at(2026, 10, 12, 0, 30))
    trend = selectors.board_trend(personas.jijian, at(2026, 10, 11), at(2026, 10, 12, 23))
    assert [(r["day"], r["red"]) for r in trend] == [
        (date(2026, 10, 11), 0),
        (date(2026, 10, 12), 1),
    ]
