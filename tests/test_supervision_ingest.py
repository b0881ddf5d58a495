"""Ingest of case events (lianfang.supervision.ingest): files, the command and the batch API."""

import json
from datetime import UTC, date, datetime

import pytest
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.test import Client

from lianfang.accounts.services import token_create
from lianfang.core import crypto
from lianfang.core.calendar import SHANGHAI, end_of_day
from lianfang.core.models import AuditEntry
from lianfang.powers.models import FlowStep
from lianfang.supervision import readers
from lianfang.supervision.ingest import Issue, ingest, mask
from lianfang.supervision.models import Case, CaseEvent, CaseStatus

from .power_factories import PowerItemFactory, simple_flow

URL = "/api/v1/supervision/events:batch"


@pytest.fixture
def item(org):
    """A 1-day promised, 20-day legal item whose flowchart times 受理 1, 审核 3, 批准 2 days."""
    item = PowerItemFactory(department=org.approval, legal_limit=20, promised_limit=1)
    steps = simple_flow(item)
    for key, case_step in (("accept", "accept"), ("review", "review"), ("decide", "approve")):
        FlowStep.objects.filter(pk=steps[key].pk).update(case_step=case_step)
    return item


def row(kind, event_id, at, case="C1", **extra):
    return {
        "source": "wsbs",
        "event_id": event_id,
        "case": case,
        "kind": kind,
        "at": at,
        "actor": "李四",
        **extra,
    }


def accept(item, case="C1", at="2026-09-30T10:00:00+08:00", event_id=None, **extra):
    extra = {"power_item": item.code, "applicant": "张小明", **extra}
    return row("accept", event_id or f"{case}-1", at, case, **extra)


def run(rows, **kwargs):
    return ingest(rows, actor=None, source_name="test", **kwargs)


def _state(case: Case) -> dict:
    case.refresh_from_db()
    return model_to_dict(case)


def test_it_creates_a_case_with_its_deadlines_and_one_audit_entry(item):
    result = run([accept(item)])
    assert (result.applied, result.replayed, result.rejected) == (1, 0, [])
    case = Case.objects.get()
    assert (case.source, case.external_no, case.power_item, case.unit) == (
        "wsbs",
        "C1",
        item,
        item.unit,
    )
    assert case.department == item.department
    assert case.received_at == datetime(2026, 9, 30, 10, tzinfo=SHANGHAI)
    # The working day before the National Day holiday: 1 day later is 10-08.
    assert case.due_at == end_of_day(date(2026, 10, 8))
    assert case.step == "accept"
    assert case.step_due_at == end_of_day(date(2026, 10, 8))
    assert case.status == CaseStatus.OPEN
    assert case.applicant_masked == "张*明"
    assert crypto.unseal(case.applicant_sealed) == "张小明"
    assert "张小明" not in json.dumps(CaseEvent.objects.get().data, ensure_ascii=False)
    entry = AuditEntry.objects.get(object_type="supervision.batch")
    assert entry.action == "create"
    assert entry.after["applied"] == 1
    assert entry.after["cases_created"] == 1


def test_it_counts_a_make_up_saturday(item):
    run([accept(item, at="2026-10-09T09:00:00+08:00")])
    assert Case.objects.get().due_at == end_of_day(date(2026, 10, 10))


def test_it_extends_the_deadline_by_a_suspension_spanning_it(org):
    item = PowerItemFactory(department=org.approval, legal_limit=20, promised_limit=3)
    run([accept(item, at="2026-09-28T09:00:00+08:00")])
    case = Case.objects.get()
    assert case.due_at == end_of_day(date(2026, 10, 8))
    run([row("suspend", "C1-2", "2026-09-29T15:00:00+08:00", reason="专家评审")])
    case.refresh_from_db()
    assert case.status == CaseStatus.PAUSED
    assert case.due_at is None
    assert case.paused_at == datetime(2026, 9, 29, 15, tzinfo=SHANGHAI)
    run([row("resume", "C1-3", "2026-10-09T11:00:00+08:00")])
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case.paused_at is None
    assert case.due_at == end_of_day(date(2026, 10, 12))


def test_it_takes_the_chinese_labels_and_completes_a_case(item):
    rows = [
        accept(item),
        row("承办", "C1-2", "2026-10-08T09:00:00+08:00"),
        row("审核", "C1-3", "2026-10-08T10:00:00+08:00"),
        row("批准", "C1-4", "2026-10-08T11:00:00+08:00"),
        row("办结", "C1-5", "2026-10-08T16:00:00Z", result="准予", fee="12.5"),
    ]
    rows[0]["kind"] = "受理"
    result = run(rows)
    assert result.rejected == []
    case = Case.objects.get()
    assert case.status == CaseStatus.COMPLETED
    assert case.step == "complete"
    assert case.result == "granted"
    assert str(case.fee_charged) == "12.50"
    assert case.completed_at == datetime(2026, 10, 8, 16, tzinfo=UTC)
    assert case.due_at == end_of_day(date(2026, 10, 8))
    assert case.step_started_at == datetime(2026, 10, 8, 11, tzinfo=SHANGHAI)


def test_it_accepts_a_step_out_of_order(item):
    result = run([accept(item), row("approve", "C1-2", "2026-10-08T09:00:00+08:00")])
    assert result.rejected == []
    assert Case.objects.get().step == "approve"


def test_a_replayed_batch_changes_nothing(item):
    rows = [
        accept(item),
        row("undertake", "C1-2", "2026-10-08T09:00:00+08:00"),
        accept(item, case="C2"),
        row("correct", "C2-2", "2026-10-08T09:00:00+08:00", reason="缺少材料"),
    ]
    first = run(rows)
    assert (first.applied, first.replayed) == (4, 0)
    before = {c.pk: _state(c) for c in Case.objects.all()}
    audits = AuditEntry.objects.count()
    again = run(rows)
    assert (again.applied, again.replayed, again.rejected) == (0, 4, [])
    assert {c.pk: _state(c) for c in Case.objects.all()} == before
    assert CaseEvent.objects.count() == 4
    assert AuditEntry.objects.count() == audits


def test_it_counts_a_repeat_within_a_batch_as_a_replay(item):
    result = run([accept(item), accept(item)])
    assert (result.applied, result.replayed) == (1, 1)


def test_it_reports_a_conflicting_resend_and_keeps_the_stored_event(item):
    run([accept(item), row("undertake", "C1-2", "2026-10-08T09:00:00+08:00")])
    result = run([row("undertake", "C1-2", "2026-10-08T09:00:00+08:00", actor="王五")])
    assert result.applied == 0
    assert [(i.line, i.field) for i in result.rejected] == [(1, "event_id")]
    assert "冲突" in result.rejected[0].message
    assert CaseEvent.objects.get(event_id="C1-2").actor == "李四"


def test_a_batch_with_a_bad_row_writes_nothing(item):
    rows = [accept(item), accept(item, case="C2", power_item="nope"), accept(item, case="C3")]
    result = run(rows)
    assert result.applied == 0
    assert result.rejected == [Issue(2, "power_item", "未知的权力事项编码")]
    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()
    assert not AuditEntry.objects.filter(object_type="supervision.batch").exists()


def test_skip_invalid_applies_the_valid_rows(item):
    rows = [
        accept(item),
        accept(item, case="C2", power_item="nope"),
        row("undertake", "C2-2", "2026-10-08T09:00:00+08:00", case="C2"),
        accept(item, case="C3"),
    ]
    result = run(rows, skip_invalid=True)
    assert result.applied == 2
    assert [(i.line, i.field) for i in result.rejected] == [(2, "power_item"), (3, "case")]
    assert set(Case.objects.values_list("external_no", flat=True)) == {"C1", "C3"}
    assert AuditEntry.objects.get(object_type="supervision.batch").after["rejected"] == 2


T = "2026-10-08T09:00:00+08:00"


@pytest.mark.parametrize(
    ("bad", "field", "words"),
    [
        (lambda i: accept(i, case="C2", power_item="nope"), "power_item", "权力事项"),
        (lambda i: row("undertake", "X-2", T, case="X"), "case", "未知的办件"),
        (lambda i: row("complete", "X-2", T, case="X", result="granted"), "case", "办结前未受理"),
        (lambda i: row("review", "C1-2", "2026-09-29T09:00:00+08:00"), "at", "早于"),
        (lambda i: row("resume", "C1-2", T), "kind", "恢复"),
        (lambda i: row("complete", "C1-2", T, result="granted", fee="-1"), "fee", "负数"),
        (lambda i: row("complete", "C1-2", T, result="maybe"), "result", "办理结果"),
        (lambda i: row("complete", "C1-2", T), "result", "办理结果"),
        (lambda i: row("suspend", "C1-2", T), "reason", "理由"),
        (lambda i: row("jump", "C1-2", T), "kind", "事件类型"),
        (lambda i: row("review", "C1-2", "2026-10-08 09:00"), "at", "时区"),
        (lambda i: row("review", "C1-2", "2026-10-08T09:00:00"), "at", "时区"),
        (lambda i: row("review", "C1-2", "yesterday"), "at", "格式"),
        (lambda i: row("review", "C1-2", "2026-13-08T09:00:00+08:00"), "at", "格式"),
        (lambda i: row("review", "", T), "event_id", "不能为空"),
        (lambda i: accept(i, case="C1", event_id="C1-9"), "case", "已受理"),
        (lambda i: accept(i, case="C2", applicant=""), "applicant", "申请人"),
    ],
)
def test_each_rule_names_the_line_and_field(item, bad, field, words):
    result = run([accept(item), bad(item)])
    assert result.applied == 0
    assert [(i.line, i.field) for i in result.rejected] == [(2, field)]
    assert words in result.rejected[0].message


def test_it_refuses_events_for_a_completed_case(item):
    run([accept(item), row("complete", "C1-2", T, result="granted")])
    result = run([row("review", "C1-3", "2026-10-09T09:00:00+08:00")])
    assert [(i.line, i.field) for i in result.rejected] == [(1, "case")]
    result = run([row("merge", "C1-3", "2026-10-09T09:00:00+08:00", reason="重复申请")])
    assert [(i.line, i.field) for i in result.rejected] == [(1, "case")]


def test_it_refuses_an_event_after_the_completion_in_the_same_batch(item):
    rows = [
        accept(item),
        row("complete", "C1-2", T, result="granted"),
        row("review", "C1-3", "2026-10-09T09:00:00+08:00"),
    ]
    assert [(i.line, i.field) for i in run(rows).rejected] == [(3, "case")]


def test_it_orders_a_resume_after_its_suspension_by_time_not_line(item):
    rows = [
        accept(item),
        row("resume", "C1-3", "2026-10-09T09:00:00+08:00"),
        row("suspend", "C1-2", T, reason="听证"),
    ]
    assert run(rows).rejected == []
    assert Case.objects.get().status == CaseStatus.OPEN


def test_it_masks_names_and_numbers():
    assert mask("张小明") == "张*明"
    assert mask("欧阳小明") == "欧**明"
    assert mask("张三") == "张*"
    assert mask("13812345678") == "138****5678"
    assert mask("11010519491231002X") == "110***********002X"


def test_it_reads_csv_with_a_bom_and_jsonl(item, tmp_path):
    csv_file = tmp_path / "events.csv"
    csv_file.write_text(
        "\ufeffsource,event_id,case,kind,at,power_item,applicant,reason\n"
        f"wsbs,C1-1,C1,受理,2026-09-30T10:00:00+08:00,{item.code},张小明,\n"
        'wsbs,C1-2,C1,暂停,2026-10-08T09:00:00+08:00,,,"听证\n程序"\n'
        "wsbs,C1-3,C1,恢复,2026-10-08T00:30:00Z,,,\n",
        encoding="utf-8",
    )
    rows = list(readers.read_events(csv_file))
    assert [r["_line"] for r in rows] == [2, 3, 5]
    assert rows[1]["reason"] == "听证\n程序"
    assert "power_item" not in rows[1]
    assert run(rows).rejected == [Issue(5, "kind", "“恢复”之前没有未结束的“暂停”或“补正”")]

    jsonl = tmp_path / "events.jsonl"
    jsonl.write_text(
        json.dumps(accept(item, case="C9"), ensure_ascii=False) + "\n\nnot json\n[1]\n",
        encoding="utf-8",
    )
    rows = list(readers.read_events(jsonl))
    assert [r["_line"] for r in rows] == [1, 3, 4]
    result = run(rows)
    assert [(i.line, i.field) for i in result.rejected] == [(3, ""), (4, "")]
    assert "JSON" in result.rejected[0].message


def test_it_refuses_a_file_that_is_neither(tmp_path):
    path = tmp_path / "events.txt"
    path.write_text("hello world\n", encoding="utf-8")
    with pytest.raises(readers.ReadError, match="既不是"):
        list(readers.read_events(path))
    latin = tmp_path / "events.csv"
    latin.write_bytes(b"source,event_id,case,kind,at\nws,\xff,c,accept,x\n")
    with pytest.raises(readers.ReadError, match="第 2 行"):
        list(readers.read_events(latin))
    header = tmp_path / "bad.csv"
    header.write_text("source,event_id,case,when\n", encoding="utf-8")
    with pytest.raises(readers.ReadError, match="when"):
        list(readers.read_events(header))


def _jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return str(path)


def test_the_command_ingests_files_and_counts(item, tmp_path, capsys):
    first = _jsonl(tmp_path / "a.jsonl", [accept(item)])
    second = _jsonl(tmp_path / "b.jsonl", [row("undertake", "C1-2", T)])
    call_command("supervise", "ingest", first, second)
    out = capsys.readouterr()
    assert "已导入 2 条" in out.out
    assert out.err.rstrip().endswith("█] 已读取 2 / 2 行（100%）")
    call_command("supervise", "ingest", first)
    assert "重复（已导入过）1 条" in capsys.readouterr().out


def test_the_command_fails_on_a_bad_row_unless_told_to_skip(item, tmp_path, capsys):
    path = _jsonl(tmp_path / "a.jsonl", [accept(item), accept(item, case="C2", power_item="x")])
    with pytest.raises(CommandError):
        call_command("supervise", "ingest", path)
    assert "a.jsonl 第 2 行  power_item" in capsys.readouterr().err
    assert not Case.objects.exists()
    rejects = tmp_path / "rejects.jsonl"
    call_command("supervise", "ingest", path, "--skip-invalid", "--rejects", str(rejects))
    assert Case.objects.count() == 1
    [record] = [json.loads(line) for line in rejects.read_text("utf-8").splitlines()]
    assert (record["line"], record["field"]) == (2, "power_item")


def test_the_command_refuses_a_file_that_is_neither(db, tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("hello\n", encoding="utf-8")
    with pytest.raises(CommandError, match="既不是"):
        call_command("supervise", "ingest", str(path))


def _api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(actor=user, user=user)}")


def test_the_api_applies_a_batch(item, personas):
    client = _api(personas.sysadmin)
    body = {"events": [accept(item), row("undertake", "C1-2", T)]}
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"applied": 2, "replayed": 0}
    response = client.post(URL, body, content_type="application/json")
    assert response.json() == {"applied": 0, "replayed": 2}
    entry = AuditEntry.objects.get(object_type="supervision.batch")
    assert entry.actor == personas.sysadmin


def test_the_api_answers_400_with_each_line_and_field(item, personas):
    body = {"events": [accept(item), row("undertake", "C1-2", "2026-10-08")]}
    response = _api(personas.sysadmin).post(URL, body, content_type="application/json")
    assert response.status_code == 400
    data = response.json()
    assert data["errors"] == [{"line": 2, "field": "at", "message": data["errors"][0]["message"]}]
    assert "时区" in data["errors"][0]["message"]
    assert data["detail"]
    assert not Case.objects.exists()


def test_the_api_refuses_an_oversized_batch(personas, settings):
    body = {"events": [{}] * 10_001}
    response = _api(personas.sysadmin).post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "events"


@pytest.mark.parametrize("persona", ["staff", "jijian", "auditor"])
def test_the_api_refuses_others(item, personas, persona):
    body = {"events": [accept(item)]}
    response = _api(getattr(personas, persona)).post(URL, body, content_type="application/json")
    assert response.status_code == 403
    assert not Case.objects.exists()


def _batch(item, cases: int, start: int = 0):
    rows = []
    for n in range(start, start + cases):
        case = f"K{n}"
        rows += [
            accept(item, case=case),
            row("undertake", f"{case}-2", "2026-10-08T09:00:00+08:00", case=case),
            row("suspend", f"{case}-3", "2026-10-08T10:00:00+08:00", case=case, reason="听证"),
            row("resume", f"{case}-4", "2026-10-09T10:00:00+08:00", case=case),
        ]
    return rows


def test_a_200_row_batch_takes_a_bounded_number_of_queries(item, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        result = run(_batch(item, 50))
    assert (result.applied, result.rejected) == (200, [])
    more = [
        row("review", f"K{n}-5", "2026-10-12T09:00:00+08:00", case=f"K{n}") for n in range(50)
    ] + _batch(item, 38, start=50)[:150]
    with django_assert_max_num_queries(30):
        result = run(more)
    assert (result.applied, result.rejected) == (200, [])
    assert Case.objects.filter(step="review").count() == 50
