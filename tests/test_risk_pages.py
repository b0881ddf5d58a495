"""The risk library pages: who may open them, what they show, the forms and the five steps."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lianfang.core.models import AuditEntry
from lianfang.risks.models import (
    Category,
    Grading,
    Measure,
    MeasureStatus,
    Register,
    RiskPoint,
    Status,
    Step,
    WorkflowRecord,
)

from .factories import AssignmentFactory, PersonFactory, PostFactory
from .risk_factories import MeasureFactory, RiskPointFactory

YEAR = 2026


def _login(client, user):
    client.force_login(user)
    return client


def _risk(org, who="staff", post="accountant", **extra):
    """A personal post risk of one of the conftest people, filed on their post."""
    person = getattr(org.people, who)
    return RiskPointFactory(
        post=getattr(org.posts, post), person=person, responsible_person=person, **extra
    )


@pytest.fixture
def risks(org):
    return {
        "own": _risk(org, title="本人的风险点"),
        "cashier": _risk(org, who="cashier", post="cashier", title="出纳的风险点"),
        "approver": _risk(org, who="approver", post="approver", title="审批员的风险点"),
        "unit": RiskPointFactory(
            register=Register.UNIT, post=None, unit=org.bureau, title="单位的风险点"
        ),
    }


@pytest.mark.parametrize(
    ("persona", "path", "status"),
    [
        ("staff", "/risks/", 200),
        ("dept_head", "/risks/", 200),
        ("jijian", "/risks/", 200),
        ("sysadmin", "/risks/", 403),
        ("secadmin", "/risks/", 403),
        ("auditor", "/risks/", 403),
        ("staff", "/risks/progress/", 200),
        ("principal", "/risks/progress/", 200),
        ("auditor", "/risks/progress/", 403),
        ("staff", "/risks/measures/overdue/", 200),
        ("sysadmin", "/risks/measures/overdue/", 403),
        ("staff", "/risks/copy/", 403),
        ("dept_head", "/risks/copy/", 200),
        ("jijian", "/risks/copy/", 200),
        ("staff", "/risks/new/", 200),
        ("staff", "/risks/new/?register=department", 403),
        ("dept_head", "/risks/new/?register=department", 200),
        ("dept_head", "/risks/new/?register=unit", 403),
        ("principal", "/risks/new/?register=unit", 200),
        ("principal", "/risks/new/?register=nonsense", 404),
        ("sysadmin", "/risks/new/", 403),
    ],
)
def test_it_opens_each_page_only_to_the_roles_that_may_use_it(
    client, personas, persona, path, status
):
    response = _login(client, getattr(personas, persona)).get(path)
    assert response.status_code == status


def test_it_shows_staff_only_their_own_risks(client, personas, risks):
    html = _login(client, personas.staff).get("/risks/").text
    assert "本人的风险点" in html
    assert "出纳的风险点" not in html
    assert "审批员的风险点" not in html
    assert "单位的风险点" not in html


def test_it_shows_a_department_head_the_department_and_the_principal_the_unit(
    client, personas, risks
):
    html = _login(client, personas.dept_head).get("/risks/").text
    assert "本人的风险点" in html and "出纳的风险点" in html
    assert "审批员的风险点" not in html
    html = _login(client, personas.principal).get("/risks/").text
    assert all(r.title in html for r in risks.values())


def test_it_answers_404_for_a_risk_outside_the_scope(client, personas, risks):
    client = _login(client, personas.staff)
    for path in ("/", "/edit/", "/grade/", "/history/", "/measures/new/"):
        assert client.get(f"/risks/{risks['cashier'].pk}{path}").status_code == 404
    response = client.post(f"/risks/{risks['cashier'].pk}/workflow/submit/", {})
    assert response.status_code == 404
    measure = MeasureFactory(risk=risks["cashier"])
    assert client.get(f"/risks/measures/{measure.pk}/edit/").status_code == 404
    assert client.get(f"/risks/{risks['own'].pk}/").status_code == 200


def test_it_filters_the_library_by_post_person_level_and_text(client, personas, org, risks):
    RiskPointFactory(
        post=org.posts.accountant, person=org.people.staff, level=1, title="一级的会计风险"
    )
    client = _login(client, personas.dept_head)
    html = client.get(f"/risks/?post={org.posts.cashier.pk}").text
    assert "出纳的风险点" in html and "本人的风险点" not in html
    html = client.get(f"/risks/?person={org.people.staff.pk}&level=1").text
    assert "一级的会计风险" in html and "本人的风险点" not in html
    html = client.get("/risks/?q=出纳").text
    assert "出纳的风险点" in html and "本人的风险点" not in html


def test_it_ignores_a_filter_outside_the_scope_and_says_so(client, personas, org, risks):
    response = _login(client, personas.dept_head).get(f"/risks/?post={org.posts.approver.pk}")
    assert "post" in response.context["form"].errors
    assert "审批员的风险点" not in response.text


def test_it_puts_a_bad_filter_on_its_field_and_lists_the_rest(client, personas, risks):
    response = _login(client, personas.dept_head).get("/risks/?level=7&year=abc&step=0")
    assert {"level", "year", "step"} <= set(response.context["form"].errors)
    assert "本人的风险点" in response.text


def test_it_counts_by_level_and_category_and_rolls_up(client, personas, org, risks):
    RiskPointFactory(post=org.posts.cashier, person=org.people.cashier, level=1)
    response = _login(client, personas.dept_head).get("/risks/?by=post")
    context = response.context
    assert {n: count for n, _label, count in context["levels"]} == {1: 1, 2: 2, 3: 0}
    assert context["categories"] == [{"label": "岗位职责", "total": 3}]
    rollup = {row["post__name"]: row["total"] for row in context["rollup"]}
    assert rollup == {"出纳": 2, "会计": 1}
    assert 'id="chart-heat-data"' in response.text


def test_it_draws_the_heat_map_from_the_matrix_gradings(client, personas, org):
    for likelihood, impact in ((4, 4), (4, 4), (1, 2)):
        _risk(org, likelihood=likelihood, impact=impact)
    heat = _login(client, personas.staff).get("/risks/").context["charts"]["heat"]
    assert sorted(heat["cells"]) == [[1, 0, 1], [3, 3, 2]]
    assert heat["y"][0] == "1 · 很少发生"
    assert heat["x"][3] == "4 · 特别严重（可能构成犯罪）"


def test_it_lists_the_library_in_a_constant_number_of_queries(client, personas, org):
    client = _login(client, personas.jijian)
    _risk(org)
    with CaptureQueriesContext(connection) as before:
        assert client.get("/risks/?by=post").status_code == 200
    for n in range(15):
        post = PostFactory(department=org.approval if n % 2 else org.office)
        person = PersonFactory(department=post.department)
        AssignmentFactory(person=person, post=post)
        risk = RiskPointFactory(post=post, person=person, level=n % 3 + 1, likelihood=2, impact=3)
        MeasureFactory(risk=risk)
    with CaptureQueriesContext(connection) as after:
        html = client.get("/risks/?by=post").text
    assert len(after) == len(before)
    assert html.count('href="/risks/') >= RiskPoint.objects.count()


def test_it_prefills_the_post_form_with_the_users_own_person_and_post(client, personas, org):
    form = _login(client, personas.staff).get("/risks/new/").context["form"]
    assert form["person"].value() == org.people.staff.pk
    assert form["post"].value() == org.posts.accountant.pk
    assert list(form.fields["person"].queryset) == [org.people.staff]
    assert {c for c, _label in form.fields["category"].choices} == {
        "",
        "moral",
        "institutional",
        "duty",
        "process",
        "external",
    }


def test_it_puts_a_category_not_valid_for_the_register_on_the_field(client, personas, org):
    response = _login(client, personas.dept_head).post(
        "/risks/new/?register=department",
        {
            "year": YEAR,
            "department": org.finance.pk,
            "category": Category.MORAL,
            "title": "制度不健全",
            "manifestation": "缺少内控制度",
            "publication": "internal",
        },
    )
    assert response.status_code == 200
    assert "category" in response.context["form"].errors
    assert not RiskPoint.objects.exists()


def test_it_refuses_a_post_outside_the_scope_on_the_field(client, personas, org):
    response = _login(client, personas.staff).post(
        "/risks/new/",
        {
            "year": YEAR,
            "post": org.posts.approver.pk,
            "person": org.people.staff.pk,
            "category": Category.DUTY,
            "title": "越权",
            "manifestation": "越权",
            "publication": "internal",
        },
    )
    assert "post" in response.context["form"].errors
    assert not RiskPoint.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"likelihood": 5, "impact": 2}, "likelihood", "可能性须在 1 至 4 之间"),
        ({"likelihood": 2, "impact": 0}, "impact", "影响程度须在 1 至 4 之间"),
        ({"likelihood": "", "impact": 2}, "likelihood", "必填"),
    ],
)
def test_it_puts_a_grading_input_out_of_range_on_the_field(
    client, personas, org, data, field, message
):
    risk = _risk(org, level=None)
    response = _login(client, personas.dept_head).post(f"/risks/{risk.pk}/grade/", data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Grading.objects.exists()
    risk.refresh_from_db()
    assert risk.level is None


def test_it_grades_by_the_five_criteria_when_configured(client, personas, org, settings):
    settings.RISK_GRADING_METHOD = "criteria"
    risk = _risk(org, level=None)
    client = _login(client, personas.dept_head)
    assert 'name="criteria"' in client.get(f"/risks/{risk.pk}/grade/").text
    client.post(
        f"/risks/{risk.pk}/grade/",
        {"criteria": ["people_money_goods", "discretion", "private_gain"]},
    )
    risk.refresh_from_db()
    assert risk.level == 1
    html = client.get(f"/risks/{risk.pk}/").text
    assert "五项标准计数" in html
    assert "掌握人财物支配权、具有自由裁量权、有谋取私利的机会" in html


def test_it_grades_by_power_type_when_configured(client, personas, org, settings):
    settings.RISK_GRADING_METHOD = "power_type"
    risk = _risk(org, level=None)
    client = _login(client, personas.dept_head)
    client.post(f"/risks/{risk.pk}/grade/", {"power_type": "finance", "likelihood": 1, "impact": 1})
    risk.refresh_from_db()
    assert risk.level == 1
    assert "按权力类型定为一级" in client.get(f"/risks/{risk.pk}/").text


def _create_post_risk(client, org):
    response = client.post(
        "/risks/new/?register=post",
        {
            "year": YEAR,
            "post": org.posts.accountant.pk,
            "person": org.people.staff.pk,
            "category": Category.DUTY,
            "title": "报销审核把关不严",
            "manifestation": "对不合规票据放行，虚列支出",
            "duty_link": "审核原始凭证",
            "responsible_person": org.people.staff.pk,
            "publication": "unit",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    return RiskPoint.objects.get(title="报销审核把关不严")


@pytest.mark.parametrize(
    ("likelihood", "impact", "level", "leader", "rule"),
    [
        (4, 4, 1, "王局长", "一级风险由单位主要领导负责"),
        (2, 2, 2, "李副局长", "二级风险由部门的分管领导负责"),
        (1, 1, 3, "张科长", "三级风险由部门负责人负责"),
    ],
)
def test_it_takes_a_post_risk_from_self_identification_to_collective_decision(
    client, personas, org, likelihood, impact, level, leader, rule
):
    client = _login(client, personas.dept_head)
    risk = _create_post_risk(client, org)
    assert (risk.department, risk.unit, risk.step) == (org.finance, org.bureau, Step.SELF)

    client.post(f"/risks/{risk.pk}/grade/", {"likelihood": likelihood, "impact": impact})
    client.post(
        f"/risks/{risk.pk}/measures/new/",
        {
            "type": "process",
            "content": "实行报销双人审核",
            "owner": org.people.head.pk,
            "due_date": "2026-12-31",
            "status": "planned",
        },
    )
    for step in (Step.SELF, Step.COLLEAGUES, Step.ORGANISATION, Step.PUBLIC):
        risk.refresh_from_db()
        assert risk.step == step
        if step == Step.COLLEAGUES:
            response = client.post(
                f"/risks/{risk.pk}/workflow/comment/", {"comment-comment": "建议补充票据审核要点"}
            )
            assert response.status_code == 302
        response = client.post(
            f"/risks/{risk.pk}/workflow/submit/", {"submit-comment": f"第{step}步完成"}
        )
        assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.step == Step.COLLECTIVE
    html = client.get(f"/risks/{risk.pk}/").text
    assert "集体审定" in html and "✓" in html and "✗" not in html

    response = client.post(
        f"/risks/{risk.pk}/workflow/decide/",
        {"decide-meeting_date": "2026-11-20", "decide-meeting_ref": "局党组会议纪要〔2026〕12号"},
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.status, risk.level, risk.effective_on) == (
        Status.EFFECTIVE,
        level,
        date(2026, 11, 20),
    )
    html = client.get(f"/risks/{risk.pk}/").text
    assert "已生效" in html and leader in html and rule in html
    assert "局党组会议纪要〔2026〕12号" in html
    actions = list(WorkflowRecord.objects.filter(risk=risk).values_list("action", flat=True))
    assert actions == ["submit", "comment", "submit", "submit", "submit", "decide"]


def test_it_keeps_the_decision_form_and_says_what_is_missing(client, personas, org):
    risk = _risk(org, step=Step.COLLECTIVE, level=None)
    response = _login(client, personas.dept_head).post(
        f"/risks/{risk.pk}/workflow/decide/", {"decide-meeting_date": "", "decide-meeting_ref": ""}
    )
    assert response.status_code == 200
    form = response.context["forms"]["decide"]
    assert "meeting_date" in form.errors and "meeting_ref" in form.errors
    assert "尚未评定风险等级。" in form.non_field_errors()
    assert "至少须有一项防控措施。" in form.non_field_errors()
    risk.refresh_from_db()
    assert risk.status == Status.IN_PROGRESS


def test_it_returns_a_risk_with_a_reason_to_self_identification(client, personas, org):
    risk = _risk(org, step=Step.ORGANISATION)
    client = _login(client, personas.dept_head)
    response = client.post(f"/risks/{risk.pk}/workflow/return/", {"return-comment": " "})
    assert "comment" in response.context["forms"]["return"].errors
    response = client.post(
        f"/risks/{risk.pk}/workflow/return/", {"return-comment": "表现形式写得太笼统"}
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.step, risk.status) == (Step.SELF, Status.RETURNED)
    html = client.get(f"/risks/{risk.pk}/").text
    assert "表现形式写得太笼统" in html and "已退回" in html


def test_it_shows_only_the_actions_the_user_may_take(client, personas, org):
    risk = _risk(org, step=Step.COLLEAGUES)
    forms = _login(client, personas.staff).get(f"/risks/{risk.pk}/").context["forms"]
    assert set(forms) == {"comment"}
    forms = _login(client, personas.dept_head).get(f"/risks/{risk.pk}/").context["forms"]
    assert set(forms) == {"submit", "comment", "return"}


def test_it_answers_403_when_the_service_refuses(client, personas, org):
    risk = _risk(org, step=Step.COLLEAGUES)
    client = _login(client, personas.staff)
    response = client.post(f"/risks/{risk.pk}/workflow/return/", {"return-comment": "不行"})
    assert response.status_code == 403
    assert client.get(f"/risks/{risk.pk}/grade/").status_code == 403
    assert client.get(f"/risks/{risk.pk}/edit/").status_code == 403
    assert AuditEntry.objects.filter(action="denied", actor=personas.staff).exists()


def test_it_lets_staff_file_and_submit_their_own_risk(client, personas, org):
    client = _login(client, personas.staff)
    risk = _create_post_risk(client, org)
    assert client.get(f"/risks/{risk.pk}/edit/").status_code == 200
    client.post(f"/risks/{risk.pk}/workflow/submit/", {"submit-comment": ""})
    risk.refresh_from_db()
    assert risk.step == Step.COLLEAGUES
    assert client.get(f"/risks/{risk.pk}/edit/").status_code == 403


def test_it_moves_the_department_with_the_post_on_edit(client, personas, org):
    risk = _risk(org)
    response = _login(client, personas.jijian).post(
        f"/risks/{risk.pk}/edit/",
        {
            "year": YEAR,
            "post": org.posts.approver.pk,
            "person": org.people.approver.pk,
            "category": Category.PROCESS,
            "title": "审批不按时限",
            "manifestation": "拖延办理，吃拿卡要",
            "publication": "internal",
        },
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.post, risk.department, risk.title) == (
        org.posts.approver,
        org.approval,
        "审批不按时限",
    )


def test_it_shows_the_history_with_field_changes_and_old_versions(client, personas, org):
    client = _login(client, personas.dept_head)
    risk = _create_post_risk(client, org)
    client.post(
        f"/risks/{risk.pk}/edit/",
        {
            "year": YEAR,
            "post": org.posts.cashier.pk,
            "person": org.people.cashier.pk,
            "category": Category.PROCESS,
            "title": "现金收付不入账",
            "manifestation": "坐支现金",
            "publication": "internal",
        },
    )
    response = client.get(f"/risks/{risk.pk}/history/")
    html = response.text
    assert "报销审核把关不严" in html and "现金收付不入账" in html
    assert "业务流程" in html and "岗位职责" in html  # choice labels, not codes
    assert "刘出纳" in html  # the new person by name, not id
    assert personas.dept_head.display_name in html  # who
    oldest = response.context["records"][-1]
    html = client.get(f"/risks/{risk.pk}/history/{oldest.history_id}/").text
    assert "报销审核把关不严" in html and "只读" in html


def test_it_adds_edits_and_deletes_a_measure(client, personas, org):
    risk = _risk(org)
    client = _login(client, personas.dept_head)
    response = client.post(
        f"/risks/{risk.pk}/measures/new/",
        {"type": "education", "content": "", "owner": "", "status": "planned"},
    )
    assert {"content", "owner"} <= set(response.context["form"].errors)
    client.post(
        f"/risks/{risk.pk}/measures/new/",
        {
            "type": "education",
            "content": "开展警示教育",
            "owner": org.people.staff.pk,
            "status": "planned",
        },
    )
    measure = Measure.objects.get(risk=risk)
    client.post(
        f"/risks/measures/{measure.pk}/edit/",
        {
            "type": "education",
            "content": "开展警示教育",
            "owner": org.people.staff.pk,
            "status": "done",
            "evidence": "已组织观看警示片",
        },
    )
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DONE
    assert client.get(f"/risks/measures/{measure.pk}/delete/").status_code == 200
    client.post(f"/risks/measures/{measure.pk}/delete/")
    assert not Measure.objects.filter(pk=measure.pk).exists()


def test_it_lists_overdue_measures_in_scope(client, personas, org):
    past = timezone.localdate() - timedelta(days=10)
    MeasureFactory(risk=_risk(org), content="逾期的本人措施", due_date=past)
    MeasureFactory(
        risk=_risk(org, who="approver", post="approver"), content="他人的逾期措施", due_date=past
    )
    MeasureFactory(risk=_risk(org), content="已落实的措施", due_date=past, status="done")
    html = _login(client, personas.staff).get("/risks/measures/overdue/").text
    assert "逾期的本人措施" in html
    assert "他人的逾期措施" not in html and "已落实的措施" not in html


def test_it_shows_identification_progress_per_department(client, personas, org):
    _risk(org, status=Status.EFFECTIVE, year=YEAR)
    _risk(org, who="cashier", post="cashier", year=YEAR)
    response = _login(client, personas.dept_head).get(f"/risks/progress/?year={YEAR}")
    rows = {row["department__name"]: row for row in response.context["rows"]}
    assert (rows["财务科"]["posts"], rows["财务科"]["filed"], rows["财务科"]["effective"]) == (
        3,
        2,
        1,
    )
    assert rows["财务科"]["share"] == 33
    assert "<progress" in response.text


def test_it_copies_the_library_forward_and_shows_the_count(client, personas, org):
    risk = _risk(org, status=Status.EFFECTIVE, step=Step.COLLECTIVE, year=YEAR)
    MeasureFactory(risk=risk)
    _risk(org, year=YEAR)  # still in the workflow: not copied
    client = _login(client, personas.jijian)
    response = client.post("/risks/copy/", {"from_year": YEAR, "to_year": YEAR}, follow=True)
    assert "to_year" in response.context["form"].errors
    response = client.post("/risks/copy/", {"from_year": YEAR, "to_year": YEAR + 1}, follow=True)
    assert "已将 1 条已生效的风险点复制到 2027 年度" in response.text
    copy = RiskPoint.objects.get(year=YEAR + 1)
    assert (copy.copied_from, copy.step, copy.status) == (risk, Step.SELF, Status.IN_PROGRESS)


def test_it_escapes_what_users_typed(client, personas, org):
    risk = _risk(org, title="<script>alert(1)</script>")
    html = _login(client, personas.staff).get(f"/risks/{risk.pk}/").text
    assert "<script>alert(1)</script>" not in html
    html = _login(client, personas.staff).get("/risks/").text
    assert "<script>alert(1)</script>" not in html
