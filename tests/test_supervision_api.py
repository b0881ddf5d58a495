"""The supervision API under /api/v1/supervision: cases, events, findings, cards and replies,
scores and grades; the data scope and the protected applicant."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from lianfang.accounts.services import token_create
from lianfang.core.calendar import SHANGHAI
from lianfang.core.models import Action, AuditEntry
from lianfang.supervision.ingest import ingest
from lianfang.supervision.models import (
    Case,
    DepartmentScore,
    Finding,
    Grade,
    QuarterGrade,
    Recommendation,
    Rule,
)
from lianfang.supervision.sweep import sweep

from .power_factories import PowerItemFactory

API = "/api/v1/supervision"


def _api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(actor=user, user=user)}")


def _case(item, number, actor="staff"):
    rows = [
        {"source": "wsbs", "event_id": f"{number}-1", "case": number, "kind": "accept",
         "at": "2026-09-28T09:00:00+08:00", "power_item": item.code, "applicant": "张小明"},
        {"source": "wsbs", "event_id": f"{number}-2", "case": number, "kind": "undertake",
         "at": "2026-09-28T10:00:00+08:00", "actor": actor},
    ]  # fmt: skip
    assert ingest(rows, actor=None, source_name="test").rejected == []
    return Case.objects.get(external_no=number)


@pytest.fixture
def cases(org, personas):
    """A late case in 财务科 (scope of the head and the leader in charge) and one in 审批科."""
    finance = PowerItemFactory(department=org.finance, legal_limit=20, promised_limit=1)
    approval = PowerItemFactory(department=org.approval, legal_limit=20, promised_limit=1)
    mine, other = _case(finance, "F1"), _case(approval, "A1", actor="")
    sweep(datetime(2026, 9, 30, 10, tzinfo=SHANGHAI))
    return mine, other


def test_it_lists_findings_within_the_scope(cases, personas):
    got = _api(personas.dept_head).get(f"{API}/findings/").json()
    assert {f["case_no"] for f in got["items"]} == {"F1"}
    everything = _api(personas.jijian).get(f"{API}/findings/", {"rule": "promised_overdue"})
    assert {f["case_no"] for f in everything.json()["items"]} == {"F1", "A1"}
    assert everything.json()["items"][0]["evidence"]["limit_days"] == 1


def test_it_hides_an_out_of_scope_case_as_404(cases, personas):
    mine, other = cases
    head = _api(personas.dept_head)
    assert head.get(f"{API}/cases/{mine.pk}").status_code == 200
    assert head.get(f"{API}/cases/{other.pk}").status_code == 404
    assert head.get(f"{API}/cases/{other.pk}/events").status_code == 404
    finding = Finding.objects.get(case=other, rule=Rule.PROMISED_OVERDUE)
    assert head.get(f"{API}/findings/{finding.pk}").status_code == 404
    assert _api(personas.staff).get(f"{API}/cases/{mine.pk}").status_code == 403


def test_it_masks_the_applicant_and_reveals_it_only_to_the_office_with_an_audit(cases, personas):
    mine, _other = cases
    case = _api(personas.jijian).get(f"{API}/cases/{mine.pk}").json()
    assert case["applicant"] == "张*明" and "applicant_sealed" not in case
    assert _api(personas.dept_head).get(f"{API}/cases/{mine.pk}/applicant").status_code == 403
    full = _api(personas.jijian).get(f"{API}/cases/{mine.pk}/applicant")
    assert full.json() == {"applicant": "张小明"}
    entry = AuditEntry.objects.get(action=Action.VIEW)
    assert (entry.object_type, entry.object_id) == ("supervision.case", str(mine.pk))


def test_it_lists_a_cases_events_in_time_order(cases, personas):
    mine, _other = cases
    events = _api(personas.dept_head).get(f"{API}/cases/{mine.pk}/events").json()
    assert [e["kind"] for e in events] == ["accept", "undertake"]


def test_it_lets_a_handler_answer_a_card_through_the_api(cases, personas):
    staff = _api(personas.staff)
    cards = staff.get(f"{API}/cards/", {"replied": False}).json()["items"]
    assert [c["case_no"] for c in cards] == ["F1"]
    url = f"{API}/cards/{cards[0]['id']}/reply"
    empty = staff.post(url, {"reply": " "}, content_type="application/json")
    assert empty.status_code == 400 and "reply" in empty.json()["errors"]
    done = staff.post(url, {"reply": "已整改"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["reply"] == "已整改"
    again = staff.post(url, {"reply": "再次"}, content_type="application/json")
    assert again.status_code == 400
    other = Finding.objects.get(case__external_no="A1", rule=Rule.PROMISED_OVERDUE)
    hidden = staff.post(
        f"{API}/cards/{other.pk}/reply", {"reply": "x"}, content_type="application/json"
    )
    assert hidden.status_code == 404


def test_it_lists_scores_and_grades_in_scope(cases, personas, org):
    now = timezone.now()
    for department, total in ((org.finance, "55.0"), (org.approval, "92.0")):
        DepartmentScore.objects.create(
            unit=org.bureau, department=department, month=date(2026, 9, 1), total=Decimal(total),
            dimensions={}, deductions=[], computed_at=now,
        )  # fmt: skip
        QuarterGrade.objects.create(
            unit=org.bureau, department=department, year=2026, quarter=3, average=Decimal(total),
            grade=Grade.FAIL if total == "55.0" else Grade.EXCELLENT, computed_at=now,
        )  # fmt: skip
    Recommendation.objects.create(
        grade=QuarterGrade.objects.get(department=org.finance), number="监建〔2026〕1号",
        issues="超期", suggestions="整改", reply_due=date(2026, 10, 30), issued_at=now,
    )  # fmt: skip
    head = _api(personas.dept_head)
    scores = head.get(f"{API}/scores/", {"month": "2026-09-15"}).json()["items"]
    assert [(s["department_name"], s["total"]) for s in scores] == [("财务科", "55.0")]
    grades = _api(personas.jijian).get(f"{API}/grades/", {"year": 2026, "quarter": 3}).json()
    assert [(g["department_name"], g["recommendation"]) for g in grades["items"]] == [
        ("财务科", "监建〔2026〕1号"),
        ("审批科", None),
    ]


def test_it_lists_cases_in_scope_with_filters(cases, personas):
    head = _api(personas.dept_head)
    listed = head.get(f"{API}/cases/").json()
    assert [c["external_no"] for c in listed["items"]] == ["F1"]
    assert listed["items"][0]["applicant"] == "张*明"
    everyone = _api(personas.jijian)
    assert everyone.get(f"{API}/cases/", {"q": "a1"}).json()["count"] == 1
    assert everyone.get(f"{API}/cases/", {"card_level": 3}).json()["count"] == 2
    assert everyone.get(f"{API}/cases/", {"received_from": "2026-09-29"}).json()["count"] == 0
    bad = everyone.get(f"{API}/cases/", {"card_level": 9})
    assert bad.status_code == 400 and "card_level" in bad.content.decode()


def test_it_reads_one_score_in_scope(cases, personas, org):
    now = timezone.now()
    score = DepartmentScore.objects.create(
        unit=org.bureau, department=org.approval, month=date(2026, 9, 1), total=Decimal(90),
        dimensions={}, deductions=[], computed_at=now,
    )  # fmt: skip
    assert _api(personas.jijian).get(f"{API}/scores/{score.pk}").json()["total"] == "90.0"
    assert _api(personas.dept_head).get(f"{API}/scores/{score.pk}").status_code == 404
