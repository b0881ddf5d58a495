"""The risk library API under /api/v1/risks: shapes, scope, errors and the whole workflow."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lianfang.accounts.services import token_create
from lianfang.core.models import AuditEntry
from lianfang.risks import selectors
from lianfang.risks.models import (
    Grading,
    Measure,
    MeasureStatus,
    Register,
    RiskPoint,
    Status,
    Step,
    WorkflowRecord,
)

from .risk_factories import MeasureFactory, RiskPointFactory

API = "/api/v1/risks"
TODAY = timezone.localdate()


def _api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(actor=user, user=user)}")


@pytest.fixture
def api(personas):
    """A client per persona, made on first use."""
    clients = {}

    def get(name):
        if name not in clients:
            clients[name] = _api(getattr(personas, name))
        return clients[name]

    return get


def _post(client, path, payload=None):
    return client.post(f"{API}{path}", payload or {}, content_type="application/json")


def _patch(client, path, payload):
    return client.patch(f"{API}{path}", payload, content_type="application/json")


def _fields(response) -> set[str]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    return {e["field"] for e in body["errors"]}


def _risk(org, post="accountant", person="staff", **extra):
    return RiskPointFactory(
        post=getattr(org.posts, post), person=getattr(org.people, person), **extra
    )


def _new_risk(org, **extra) -> dict:
    return {
        "register": "post",
        "year": 2026,
        "post": org.posts.accountant.pk,
        "person": org.people.staff.pk,
        "category": "duty",
        "title": "报销审核把关不严",
        "manifestation": "对不合规票据放行报销",
        **extra,
    }


# Authentication, permission, scope


def test_it_answers_401_without_credentials(client, org):
    risk = _risk(org)
    for path in ("/", f"/{risk.pk}", "/summary", "/progress", "/measures/overdue"):
        response = client.get(f"{API}{path}")
        assert response.status_code == 401
        assert response.json()["detail"]
    assert client.post(f"{API}/", {}, content_type="application/json").status_code == 401


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditor"])
def test_it_answers_403_to_the_administrators_and_audits_it(api, personas, org, persona):
    risk = _risk(org)
    response = api(persona).get(f"{API}/{risk.pk}")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert _post(api(persona), "/", _new_risk(org)).status_code == 403
    assert AuditEntry.objects.filter(action="denied", actor=getattr(personas, persona)).count() == 2
    assert RiskPoint.objects.count() == 1


def test_it_answers_404_outside_the_scope(api, org):
    others = _risk(org, "cashier", "cashier")
    measure = MeasureFactory(risk=others)
    staff = api("staff")
    for path in ("", "/gradings", "/measures", "/workflow", "/history"):
        assert staff.get(f"{API}/{others.pk}{path}").status_code == 404, path
    for path, payload in [
        ("/workflow/submit", {}),
        ("/workflow/comment", {"comment": "x"}),
        ("/workflow/return", {"comment": "x"}),
        ("/workflow/decide", {}),
        ("/gradings", {"likelihood": 1, "impact": 1}),
        ("/measures", {"type": "rules", "content": "x"}),
        ("/retire", {"reason": "x"}),
    ]:
        assert _post(staff, f"/{others.pk}{path}", payload).status_code == 404, path
    assert _patch(staff, f"/{others.pk}", {"title": "越权"}).status_code == 404
    assert _patch(staff, f"/measures/{measure.pk}", {"content": "越权"}).status_code == 404
    assert staff.delete(f"{API}/measures/{measure.pk}").status_code == 404
    assert staff.get(f"{API}/999999").status_code == 404
    assert api("dept_head").get(f"{API}/{others.pk}").status_code == 200
    assert not WorkflowRecord.objects.exists()
    assert RiskPoint.objects.get().title == others.title


# Reading


def test_it_lists_in_pages_of_items_and_count(api, org):
    for _ in range(3):
        _risk(org)
    body = api("jijian").get(f"{API}/").json()
    assert set(body) == {"items", "count"}
    assert body["count"] == 3
    page = api("jijian").get(f"{API}/?limit=2&offset=2").json()
    assert (page["count"], len(page["items"])) == (3, 1)


def test_it_shows_a_risk_with_its_labels_and_its_derived_leader(api, org):
    risk = _risk(org, level=1, likelihood=4, impact=3, publication="unit")
    body = api("dept_head").get(f"{API}/{risk.pk}").json()
    assert body["id"] == risk.pk
    assert (body["register"], body["register_label"]) == ("post", "个人岗位廉政风险防控登记表")
    assert (body["unit"], body["unit_name"]) == (org.bureau.pk, "市局")
    assert (body["department"], body["department_name"]) == (org.finance.pk, "财务科")
    assert (body["post"], body["post_name"]) == (org.posts.accountant.pk, "会计")
    assert (body["person"], body["person_name"]) == (org.people.staff.pk, "陈会计")
    assert (body["category"], body["category_label"]) == ("duty", "岗位职责")
    assert (body["level"], body["level_label"]) == (1, "一级（高）")
    assert (body["likelihood"], body["impact"]) == (4, 3)
    assert (body["responsible_person"], body["responsible_person_name"]) == (
        org.people.staff.pk,
        "陈会计",
    )
    assert (body["responsible_leader"], body["responsible_leader_name"]) == (
        org.people.principal.pk,
        "王局长",
    )
    assert (body["step"], body["step_label"]) == (1, "自己找")
    assert (body["status"], body["status_label"]) == ("in_progress", "查找中")
    assert (body["publication"], body["publication_label"]) == ("unit", "单位内公示")
    assert body["reassess"] is False
    assert "陈会计" in api("dept_head").get(f"{API}/{risk.pk}").content.decode()


def test_it_shows_an_ungraded_department_risk_with_empty_labels(api, org):
    risk = RiskPointFactory(register=Register.DEPARTMENT, department=org.finance, level=None)
    body = api("dept_head").get(f"{API}/{risk.pk}").json()
    assert (body["post"], body["post_name"], body["person"], body["person_name"]) == (
        None,
        None,
        None,
        None,
    )
    assert (body["level"], body["level_label"], body["responsible_leader"]) == (None, None, None)


def test_it_lists_only_the_callers_scope(api, org):
    own = _risk(org)
    _risk(org, "cashier", "cashier")
    _risk(org, "approver", "approver")
    body = api("staff").get(f"{API}/").json()
    assert (body["count"], body["items"][0]["id"]) == (1, own.pk)
    assert api("dept_head").get(f"{API}/").json()["count"] == 2
    assert api("jijian").get(f"{API}/").json()["count"] == 3


def test_it_filters_the_list(api, org):
    target = _risk(org, level=1, category="moral", year=2025, title="收受回扣")
    _risk(org, "cashier", "cashier", level=2)
    RiskPointFactory(register=Register.UNIT, unit=org.bureau, level=3)
    jijian = api("jijian")

    def ids(query):
        response = jijian.get(f"{API}/?{query}")
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    for query in (
        "level=1",
        "category=moral",
        "year=2025",
        f"post={org.posts.accountant.pk}",
        f"person={org.people.staff.pk}",
        "q=回扣",
        f"department={org.finance.pk}&level=1",
    ):
        assert ids(query) == [target.pk], query
    assert len(ids("register=post")) == 2
    assert len(ids(f"unit={org.bureau.pk}")) == 3
    assert len(ids("status=in_progress&step=1")) == 3
    assert ids("publication=public") == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("level=4", "level"),
        ("level=high", "level"),
        ("category=gossip", "category"),
        ("status=done", "status"),
        ("step=6", "step"),
        ("year=last", "year"),
        ("register=person", "register"),
        ("unit=市局", "unit"),
    ],
)
def test_it_answers_400_naming_a_bad_filter(api, org, query, field):
    assert field in _fields(api("jijian").get(f"{API}/?{query}"))


def test_it_lists_in_a_constant_number_of_queries(api, org):
    jijian = api("jijian")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert jijian.get(f"{API}/").status_code == 200
        return len(ctx.captured_queries)

    _risk(org)
    queries()  # the token's first use is recorded once
    before = queries()
    for level, post, person in [(1, "cashier", "cashier"), (3, "approver", "approver")] * 5:
        _risk(org, post, person, level=level)
    RiskPointFactory(register=Register.UNIT, unit=org.bureau)
    assert queries() == before


# Writing risks


def test_it_lets_staff_file_their_own_post_risk(api, personas, org):
    response = _post(api("staff"), "/", _new_risk(org))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["unit"], body["department"]) == (org.bureau.pk, org.finance.pk)
    assert (body["step"], body["status"]) == (1, "in_progress")
    entry = AuditEntry.objects.get(action="create", object_type="risks.riskpoint")
    assert (entry.actor, entry.object_id) == (personas.staff, str(body["id"]))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "major_decision"}, "category"),
        ({"category": "gossip"}, "category"),
        ({"register": "team"}, "register"),
        ({"year": "今年"}, "year"),
        ({"year": 1999}, "year"),
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"manifestation": None}, "manifestation"),
        ({"post": None}, "post"),
        ({"post": 999999}, "post"),
        ({"responsible_person": 999999}, "responsible_person"),
        ({"publication": "world"}, "publication"),
    ],
)
def test_it_answers_400_naming_the_field_of_a_bad_risk(api, org, change, field):
    jijian = api("jijian")
    entries = AuditEntry.objects.count()
    response = _post(jijian, "/", _new_risk(org, **change))
    assert field in _fields(response)
    assert field in response.json()["detail"]
    assert not RiskPoint.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_it_answers_400_for_a_risk_without_a_register(api, org):
    payload = _new_risk(org)
    del payload["register"]
    assert _fields(_post(api("jijian"), "/", payload)) == {"register"}


def test_it_refuses_to_file_a_risk_on_a_post_outside_the_callers_scope(api, org):
    response = _post(
        api("staff"),
        "/",
        _new_risk(org, post=org.posts.cashier.pk, person=org.people.cashier.pk),
    )
    assert "post" in _fields(response)
    assert not RiskPoint.objects.exists()


def test_it_refuses_a_department_head_filing_a_unit_risk(api, org):
    payload = {**_new_risk(org, register="unit", category="major_decision"), "unit": org.bureau.pk}
    del payload["post"], payload["person"]
    assert _post(api("dept_head"), "/", payload).status_code == 403
    assert not RiskPoint.objects.exists()
    assert _post(api("principal"), "/", payload).status_code == 201


def test_it_patches_only_the_given_fields(api, personas, org):
    risk = _risk(org, duty_link="报销审核")
    response = _patch(api("staff"), f"/{risk.pk}", {"title": "新的风险点"})
    assert response.status_code == 200, response.content
    assert (response.json()["title"], response.json()["duty_link"]) == ("新的风险点", "报销审核")
    entry = AuditEntry.objects.get(action="update")
    assert (entry.before, entry.after, entry.actor) == (
        {"title": risk.title},
        {"title": "新的风险点"},
        personas.staff,
    )


def test_it_moves_a_risk_to_another_post_with_its_department(api, org):
    risk = _risk(org)
    body = _patch(api("jijian"), f"/{risk.pk}", {"post": org.posts.approver.pk}).json()
    assert (body["post"], body["department"], body["department_name"]) == (
        org.posts.approver.pk,
        org.approval.pk,
        "审批科",
    )
    assert RiskPoint.objects.get().department == org.approval


def test_it_answers_400_for_a_patch_with_a_bad_value(api, org):
    risk = _risk(org)
    assert _fields(_patch(api("staff"), f"/{risk.pk}", {"category": "appointment"})) == {"category"}
    assert _fields(_patch(api("staff"), f"/{risk.pk}", {"title": None})) == {"title"}


def test_it_answers_403_when_the_filer_edits_after_submitting(api, org):
    risk = _risk(org, step=Step.COLLEAGUES)
    assert _patch(api("staff"), f"/{risk.pk}", {"title": "改"}).status_code == 403
    assert _patch(api("dept_head"), f"/{risk.pk}", {"title": "改"}).status_code == 200


def test_it_retires_a_risk_with_a_reason(api, org):
    risk = _risk(org, status=Status.EFFECTIVE, step=Step.COLLECTIVE)
    assert _fields(_post(api("dept_head"), f"/{risk.pk}/retire", {"reason": " "})) == {"reason"}
    assert _fields(_post(api("dept_head"), f"/{risk.pk}/retire", {})) == {"reason"}
    assert _post(api("staff"), f"/{risk.pk}/retire", {"reason": "不要了"}).status_code == 403
    response = _post(api("dept_head"), f"/{risk.pk}/retire", {"reason": "岗位撤并"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["status_label"]) == ("retired", "已撤销")


# Gradings


def test_it_grades_by_the_configured_method_and_explains_the_level(api, personas, org, settings):
    risk = _risk(org, level=None)
    response = _post(api("staff"), f"/{risk.pk}/gradings", {"likelihood": 3, "impact": 3})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["method"], body["method_label"]) == ("matrix", "可能性×影响矩阵")
    assert (body["level"], body["level_label"]) == (1, "一级（高）")
    assert body["inputs"] == {"likelihood": 3, "impact": 3}
    assert "可能性 3" in body["rationale"]
    assert (body["graded_by"], body["risk"]) == (personas.staff.pk, risk.pk)
    shown = api("staff").get(f"{API}/{risk.pk}").json()
    assert (shown["level"], shown["likelihood"], shown["impact"]) == (1, 3, 3)
    assert shown["assessed_on"] == TODAY.isoformat()
    assert shown["responsible_leader_name"] == "王局长"

    settings.RISK_GRADING_METHOD = "criteria"
    body = _post(
        api("staff"), f"/{risk.pk}/gradings", {"criteria": ["discretion", "private_gain"]}
    ).json()
    assert (body["method"], body["level"]) == ("criteria", 2)
    assert api("staff").get(f"{API}/{risk.pk}").json()["responsible_leader_name"] == "李副局长"
    listed = api("staff").get(f"{API}/{risk.pk}/gradings").json()
    assert [g["method"] for g in listed] == ["criteria", "matrix"]


def test_it_grades_by_a_method_given_in_the_request(api, org):
    risk = _risk(org, level=None)
    body = _post(
        api("jijian"),
        f"/{risk.pk}/gradings",
        {"method": "power_type", "likelihood": 1, "impact": 1, "power_type": "procurement"},
    ).json()
    assert (body["method"], body["level"]) == ("power_type", 1)
    assert "采购" in body["rationale"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"likelihood": 5, "impact": 1}, "likelihood"),
        ({"likelihood": 1}, "impact"),
        ({"likelihood": "high", "impact": 1}, "likelihood"),
        ({"method": "criteria", "criteria": ["luck"]}, "criteria"),
        ({"method": "criteria", "criteria": "discretion"}, "criteria"),
        ({"method": "power_type", "likelihood": 1, "impact": 1, "power_type": "x"}, "power_type"),
        ({"method": "tarot"}, "method"),
    ],
)
def test_it_answers_400_naming_the_bad_grading_input(api, org, payload, field):
    risk = _risk(org, level=None)
    assert _fields(_post(api("jijian"), f"/{risk.pk}/gradings", payload)) == {field}
    assert not Grading.objects.exists()


# Measures


def test_it_adds_lists_changes_and_deletes_measures(api, personas, org):
    risk = _risk(org)
    staff = api("staff")
    payload = {
        "type": "process",
        "content": "报销单据实行双人复核",
        "owner": org.people.staff.pk,
        "due_date": (TODAY + timedelta(days=30)).isoformat(),
    }
    response = _post(staff, f"/{risk.pk}/measures", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["type_label"], body["owner_name"], body["status"], body["status_label"]) == (
        "流程",
        "陈会计",
        "planned",
        "未开始",
    )
    assert (body["risk"], body["risk_title"], body["overdue"]) == (risk.pk, risk.title, False)
    listed = staff.get(f"{API}/{risk.pk}/measures").json()
    assert [m["id"] for m in listed] == [body["id"]]

    changed = _patch(staff, f"/measures/{body['id']}", {"status": "done", "evidence": "已执行"})
    assert changed.status_code == 200
    assert (changed.json()["status"], changed.json()["content"]) == ("done", payload["content"])
    assert staff.delete(f"{API}/measures/{body['id']}").status_code == 204
    assert not Measure.objects.exists()
    actions = AuditEntry.objects.filter(object_type="risks.measure").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["create", "delete", "update"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"type": "rules", "content": "双人复核"}, "owner"),
        ({"type": "rules", "content": "双人复核", "owner": None}, "owner"),
        ({"type": "prayer", "content": "x", "owner": 0}, "type"),
        ({"type": "rules", "content": "x", "owner": 999999}, "owner"),
        ({"type": "rules", "content": "x", "owner": 0, "due_date": "2026-02-30"}, "due_date"),
        ({"type": "rules", "content": "x", "owner": 0, "status": "maybe"}, "status"),
    ],
)
def test_it_answers_400_naming_the_field_of_a_bad_measure(api, org, payload, field):
    risk = _risk(org)
    if payload.get("owner") == 0:
        payload = {**payload, "owner": org.people.staff.pk}
    assert _fields(_post(api("staff"), f"/{risk.pk}/measures", payload)) == {field}
    assert not Measure.objects.exists()


def test_it_refuses_an_owner_outside_the_callers_scope(api, org):
    risk = _risk(org)
    payload = {"type": "rules", "content": "x", "owner": org.people.cashier.pk}
    assert _fields(_post(api("staff"), f"/{risk.pk}/measures", payload)) == {"owner"}
    assert _post(api("dept_head"), f"/{risk.pk}/measures", payload).status_code == 201


def test_it_lists_overdue_measures_in_scope(api, org):
    late = MeasureFactory(risk=_risk(org), due_date=TODAY - timedelta(days=3))
    MeasureFactory(risk=_risk(org), due_date=TODAY + timedelta(days=3))
    MeasureFactory(risk=_risk(org), due_date=TODAY - timedelta(days=3), status=MeasureStatus.DONE)
    other = MeasureFactory(
        risk=_risk(org, "approver", "approver"), due_date=TODAY - timedelta(days=9)
    )
    body = api("jijian").get(f"{API}/measures/overdue").json()
    assert (body["count"], [m["id"] for m in body["items"]]) == (2, [other.pk, late.pk])
    assert all(m["overdue"] for m in body["items"])
    assert [m["id"] for m in api("staff").get(f"{API}/measures/overdue").json()["items"]] == [
        late.pk
    ]
    since = (TODAY - timedelta(days=5)).isoformat()
    assert api("jijian").get(f"{API}/measures/overdue?on={since}").json()["count"] == 1


# The whole workflow


def test_it_takes_a_risk_from_self_identification_to_the_collective_decision(api, personas, org):
    staff, head = api("staff"), api("dept_head")
    risk_id = _post(staff, "/", _new_risk(org)).json()["id"]
    assert _post(staff, f"/{risk_id}/gradings", {"likelihood": 2, "impact": 3}).status_code == 201
    measure = {"type": "supervision", "content": "每月抽查报销凭证", "owner": org.people.head.pk}
    assert _post(head, f"/{risk_id}/measures", measure).status_code == 201

    body = _post(staff, f"/{risk_id}/workflow/submit", {"comment": "已自查"}).json()
    assert (body["step"], body["step_label"]) == (2, "大家提")
    assert _post(staff, f"/{risk_id}/workflow/submit").status_code == 403
    comment = _post(head, f"/{risk_id}/workflow/comment", {"comment": "补充：注意连号发票"})
    assert comment.status_code == 201
    assert (comment.json()["action"], comment.json()["actor_name"]) == ("comment", "dept_head")
    assert _fields(_post(head, f"/{risk_id}/workflow/comment", {"comment": ""})) == {"comment"}
    for step in (3, 4, 5):
        assert _post(head, f"/{risk_id}/workflow/submit").json()["step"] == step

    assert _fields(_post(head, f"/{risk_id}/workflow/return", {})) == {"comment"}
    returned = _post(head, f"/{risk_id}/workflow/return", {"comment": "请指定直接责任人"}).json()
    assert (returned["step"], returned["status"], returned["status_label"]) == (
        1,
        "returned",
        "已退回",
    )
    patched = _patch(staff, f"/{risk_id}", {"responsible_person": org.people.staff.pk})
    assert patched.status_code == 200
    assert _post(staff, f"/{risk_id}/workflow/submit").json()["status"] == "in_progress"
    for _ in range(3):
        _post(head, f"/{risk_id}/workflow/submit")

    assert _fields(_post(head, f"/{risk_id}/workflow/decide", {"meeting_date": "2026-08-28"})) == {
        "meeting_ref"
    }
    assert _fields(_post(head, f"/{risk_id}/workflow/decide", {"meeting_date": "8月28日"})) == {
        "meeting_date"
    }
    decided = _post(
        head,
        f"/{risk_id}/workflow/decide",
        {"meeting_date": "2026-08-28", "meeting_ref": "纪要〔2026〕9号", "comment": "同意"},
    ).json()
    assert (decided["status"], decided["status_label"], decided["effective_on"]) == (
        "effective",
        "已生效",
        "2026-08-28",
    )
    assert (decided["level"], decided["responsible_leader_name"]) == (2, "李副局长")

    records = staff.get(f"{API}/{risk_id}/workflow").json()
    assert [(r["step"], r["action"], r["actor"]) for r in records] == [
        (1, "submit", personas.staff.pk),
        (2, "comment", personas.dept_head.pk),
        (2, "submit", personas.dept_head.pk),
        (3, "submit", personas.dept_head.pk),
        (4, "submit", personas.dept_head.pk),
        (5, "return", personas.dept_head.pk),
        (1, "submit", personas.staff.pk),
        (2, "submit", personas.dept_head.pk),
        (3, "submit", personas.dept_head.pk),
        (4, "submit", personas.dept_head.pk),
        (5, "decide", personas.dept_head.pk),
    ]
    assert records[-1]["meeting_ref"] == "纪要〔2026〕9号"
    assert (records[0]["step_label"], records[-1]["action_label"]) == ("自己找", "集体审定")
    assert all(r["at"] for r in records)

    history = staff.get(f"{API}/{risk_id}/history").json()
    assert history[-1]["history_type"] == "+"
    assert history[0]["changes"] == [
        {"field": "status", "old": "in_progress", "new": "effective"},
        {"field": "effective_on", "old": None, "new": "2026-08-28"},
    ]
    assert history[0]["history_user_name"] == "dept_head"
    assert history[0]["values"]["status"] == "effective"
    assert {h["history_user"] for h in history} == {personas.staff.pk, personas.dept_head.pk}


def test_it_refuses_to_decide_an_incomplete_risk_naming_each_field(api, org):
    risk = _risk(org, level=None, responsible_person=None, step=Step.COLLECTIVE)
    response = _post(api("dept_head"), f"/{risk.pk}/workflow/decide", {})
    assert _fields(response) == {
        "level",
        "measures",
        "responsible_person",
        "meeting_date",
        "meeting_ref",
    }


# The library as a whole


def test_it_summarises_levels_categories_rollup_and_heat_map(api, org):
    _risk(org, level=1, likelihood=4, impact=4)
    _risk(org, level=1, likelihood=4, impact=4, category="moral")
    _risk(org, "cashier", "cashier", level=2, likelihood=2, impact=2)
    _risk(org, "cashier", "cashier", level=None)
    _risk(org, "approver", "approver", level=3, year=2025)
    body = api("jijian").get(f"{API}/summary?year=2026").json()
    assert body["total"] == 4
    assert [(row["level"], row["label"], row["count"]) for row in body["levels"]] == [
        (1, "一级（高）", 2),
        (2, "二级（中）", 1),
        (3, "三级（低）", 0),
        (None, "未定级", 1),
    ]
    assert {(c["category"], c["label"], c["count"]) for c in body["categories"]} == {
        ("duty", "岗位职责", 3),
        ("moral", "思想道德", 1),
    }
    assert body["by"] == "department"
    assert body["rollup"] == [
        {
            "id": org.finance.pk,
            "name": "财务科",
            "parent_name": "市局",
            "total": 4,
            "l1": 2,
            "l2": 1,
            "l3": 0,
        }
    ]
    assert len(body["matrix"]) == 4
    assert sorted(
        (c["likelihood"], c["impact"], c["level"], c["count"]) for c in body["heat_map"]
    ) == [
        (2, 2, 2, 1),
        (4, 4, 1, 2),
    ]
    by_post = api("jijian").get(f"{API}/summary?year=2026&by=post").json()["rollup"]
    assert [(r["name"], r["parent_name"], r["total"]) for r in by_post] == [
        ("会计", "财务科", 2),
        ("出纳", "财务科", 2),
    ]
    by_unit = api("jijian").get(f"{API}/summary?by=unit").json()["rollup"]
    assert [(r["name"], r["parent_name"], r["total"]) for r in by_unit] == [("市局", None, 5)]
    staff = api("staff").get(f"{API}/summary?year=2026").json()
    assert staff["total"] == 2


def test_it_answers_400_for_a_rollup_it_does_not_know(api, org):
    assert _fields(api("jijian").get(f"{API}/summary?by=person")) == {"by"}


def test_it_shows_identification_progress_per_department(api, org):
    _risk(org, year=2026, status=Status.EFFECTIVE, step=Step.COLLECTIVE)
    _risk(org, "cashier", "cashier", year=2026)
    rows = api("jijian").get(f"{API}/progress?year=2026").json()
    finance = next(r for r in rows if r["department"] == org.finance.pk)
    assert finance == {
        "department": org.finance.pk,
        "department_name": "财务科",
        "unit_name": "市局",
        "posts": 3,
        "filed": 2,
        "effective": 1,
        "share": round(1 / 3, 4),
    }
    assert [r["department_name"] for r in api("dept_head").get(f"{API}/progress").json()] == [
        "财务科"
    ]


def test_it_copies_a_year_forward_for_stewards(api, org):
    source = _risk(org, year=2025, status=Status.EFFECTIVE, step=Step.COLLECTIVE)
    MeasureFactory(risk=source)
    _risk(org, year=2025)
    payload = {"from_year": 2025, "to_year": 2026}
    assert _post(api("staff"), "/copy-forward", payload).status_code == 403
    assert _fields(
        _post(api("dept_head"), "/copy-forward", {"from_year": 2025, "to_year": 2025})
    ) == {"to_year"}
    assert _post(api("dept_head"), "/copy-forward", payload).json() == {"copied": 1}
    assert _post(api("dept_head"), "/copy-forward", payload).json() == {"copied": 0}
    copy = RiskPoint.objects.get(year=2026)
    assert (copy.copied_from, copy.measures.count()) == (source, 1)
    listed = api("dept_head").get(f"{API}/?year=2026").json()["items"]
    assert [(r["copied_from"], r["step"]) for r in listed] == [(source.pk, 1)]


def test_it_shows_the_reassessment_flag(api, personas, org):
    from lianfang.org import services as org_services

    risk = _risk(org, assessed_on=TODAY - timedelta(days=30))
    assert api("jijian").get(f"{API}/{risk.pk}").json()["reassess"] is False
    org_services.post_update(
        actor=personas.jijian, post=org.posts.accountant, data={"duties": "新增职责"}
    )
    assert api("jijian").get(f"{API}/{risk.pk}").json()["reassess"] is True
    assert [r["reassess"] for r in api("jijian").get(f"{API}/").json()["items"]] == [True]


# The schema


def test_it_lists_every_operation_in_the_openapi_schema(client, org):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    expected = {
        "/api/v1/risks/": {"get", "post"},
        "/api/v1/risks/{risk_id}": {"get", "patch"},
        "/api/v1/risks/{risk_id}/retire": {"post"},
        "/api/v1/risks/{risk_id}/gradings": {"get", "post"},
        "/api/v1/risks/{risk_id}/measures": {"get", "post"},
        "/api/v1/risks/measures/overdue": {"get"},
        "/api/v1/risks/measures/{measure_id}": {"patch", "delete"},
        "/api/v1/risks/{risk_id}/workflow": {"get"},
        "/api/v1/risks/{risk_id}/workflow/submit": {"post"},
        "/api/v1/risks/{risk_id}/workflow/comment": {"post"},
        "/api/v1/risks/{risk_id}/workflow/return": {"post"},
        "/api/v1/risks/{risk_id}/workflow/decide": {"post"},
        "/api/v1/risks/{risk_id}/history": {"get"},
        "/api/v1/risks/summary": {"get"},
        "/api/v1/risks/progress": {"get"},
        "/api/v1/risks/copy-forward": {"post"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), path
    operation_ids = [
        operation["operationId"] for item in paths.values() for operation in item.values()
    ]
    assert len(operation_ids) == len(set(operation_ids))
    ours = {paths[p][m]["operationId"] for p, methods in expected.items() for m in methods}
    assert len(ours) == 21
    assert all(name.startswith("risk_") for name in ours)


def test_it_names_each_operation_for_reverse(org):
    assert reverse("api:risk_list") == f"{API}/"
    assert reverse("api:risk_workflow_decide", kwargs={"risk_id": 7}) == f"{API}/7/workflow/decide"
    assert reverse("api:risk_measure_update", kwargs={"measure_id": 3}) == f"{API}/measures/3"


def test_it_takes_the_list_filters_from_the_selectors(client, org):
    schema = client.get("/api/v1/openapi.json").json()
    params = {p["name"] for p in schema["paths"]["/api/v1/risks/"]["get"]["parameters"]}
    assert params == set(selectors.FILTERS) | {"q", "limit", "offset"}
