"""Data for bench/supervision.py: power items over the benchmark organisation, a year of case
events written to JSON Lines files, as a handling system would send them (deterministic,
seeded), the fast path that stores events without ingest, and the baselines' raw SQL.

Each case is received at a random time on a working day of 2026 (the cases spread evenly over
the year) and runs 受理 → 承办 → [补正 → 恢复] → 审核 → [退回 → 审核] → 批准 → 办结 (补正 for
`P_CORRECT` of the cases, a 退回 for `P_RETURN`: about six events a case). Most finish within
the item's promised limit (a `P_LATE` share runs 1–3 working days over it; a 补正 stops the
clock, so its working days are added to the span). The feed stops at the end of the last
working day of 2026: the events after that are not sent, so the cases still in progress then
(those received in the last days of the year) stay open.

Events go to the files in order of time, `file_events` lines a file, as a live feed delivers
them; a case's events therefore fall in different files and ingest meets stored cases.
"""

import hashlib
import json
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path

import risks  # bench/risks.py, already set up by the benchmark that imports this module
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from lianfang.core import calendar, crypto
from lianfang.powers.models import Category, Decision, FlowStep, PowerItem, StepKind
from lianfang.powers.selectors import monitored_step_limits
from lianfang.supervision import clock
from lianfang.supervision.models import Case, CaseEvent, CaseTally, Finding

try:  # the ingest package (being split into modules) or the module it was
    from lianfang.supervision.ingest.rows import mask
except ImportError:
    from lianfang.supervision.ingest import mask

YEAR = 2026
P_CORRECT = 0.3
P_RETURN = 0.2
P_LATE = 0.03
RAW_TABLE = "bench_raw_event"
RAW_INDEXED = "bench_raw_event_indexed"
RAW_COLUMNS = ("source", "event_id", "case_no", "kind", "at", "actor", "reason", "data")
DAY_START = 9 * 3600
DAY_END = 17 * 3600 + 1800
SOURCES = (("wsbs", "WS", False), ("zwfw", "ZW", True))  # name, number prefix, Chinese kinds
LABELS = {
    "accept": "受理",
    "undertake": "承办",
    "review": "审核",
    "approve": "批准",
    "complete": "办结",
    "correct": "补正",
    "resume": "恢复",
    "return": "退回",
}
ITEM_NAMES = (
    "营业性演出审批",
    "食品经营许可",
    "建设工程规划许可",
    "排水许可",
    "户外广告设置许可",
    "出版物零售单位设立审批",
    "娱乐场所经营许可",
    "公共场所卫生许可",
    "道路运输经营许可",
    "民办学校设立审批",
)
LEGAL_LIMITS = (20, 20, 15, 30, 10, 60)
CORRECT_REASONS = (
    "申请材料不齐全，需补正营业执照副本",
    "申请表填写不规范，需补正",
    "缺少场地证明材料",
)
RETURN_REASONS = ("审核意见与承办意见不一致，退回重新承办", "材料核查不充分，退回补充核查")
REFUSE_REASONS = ("不符合法定条件", "申请事项不属于本机关职权范围")


def generate_items(departments: list, n_items: int, rng: random.Random) -> dict:
    """`n_items` power items spread over the departments (every department has some, so that
    the department head measured has cases), with legal and promised limits; a quarter with a
    flowchart whose nodes time 受理, 审核 and 批准."""
    items = []
    for i in range(n_items):
        department = departments[i % len(departments)]
        legal = rng.choice(LEGAL_LIMITS)
        promised = None if rng.random() < 0.1 else max(1, legal // rng.choice((2, 3, 4)))
        items.append(
            PowerItem(
                unit_id=department.unit_id,
                department=department,
                code=f"BENCH-SUP-{i:05d}",
                name=f"{ITEM_NAMES[i % len(ITEM_NAMES)]}（{i + 1}）",
                category=Category.LICENSE,
                basis_set=[{"document": "《中华人民共和国行政许可法》", "article": "第十二条"}],
                legal_limit=legal,
                promised_limit=promised,
                decision=Decision.KEEP,
                decision_year=YEAR,
                published=True,
            )
        )
    items = PowerItem.objects.bulk_create(items)
    steps = []
    for item in items[::4]:
        promised = item.promised_limit or item.legal_limit
        for order, (key, kind, name, days, case_step) in enumerate(
            (
                ("start", StepKind.START, "申请", 0, ""),
                ("accept", StepKind.STEP, "受理", 1, "accept"),
                ("review", StepKind.STEP, "审查", max(1, promised // 2), "review"),
                ("decide", StepKind.STEP, "决定", max(1, promised // 3), "approve"),
                ("end", StepKind.END, "办结", 0, ""),
            ),
            1,
        ):
            steps.append(
                FlowStep(
                    item=item,
                    key=key,
                    kind=kind,
                    name=name,
                    limit_days=days,
                    case_step=case_step,
                    order=order,
                )
            )
    FlowStep.objects.bulk_create(steps)
    return {"items": len(items), "items_with_flowchart": len(items[::4]), "flow_steps": len(steps)}


def _workdays() -> list[date]:
    day, end, days = date(YEAR, 1, 1), date(YEAR + 1, 6, 30), []
    while day <= end:
        if calendar.is_workday(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _applicants(names: list[str], rng: random.Random):
    def applicant() -> str:
        if rng.random() < 0.7:
            return rng.choice(names)
        return f"4301{rng.randint(10**13, 10**14 - 1)}"

    return applicant


def write_events(
    workdir: Path,
    n_cases: int,
    items: list[tuple[str, int]],
    names: list[str],
    file_events: int,
    rng: random.Random,
) -> dict:
    """The events of `n_cases` cases of `items` ((code, promised or legal limit) pairs) as JSON
    Lines files in `workdir`; returns the manifest (files and counts)."""
    workdays = _workdays()
    year_days = [d for d in workdays if d.year == YEAR]
    feed_end = len(year_days) - 1  # the last working day of the year: nothing is sent later
    stamps = [d.isoformat() for d in workdays]
    applicant = _applicants(names, rng)
    buckets: dict[int, list[tuple[int, int, str]]] = {}
    files: list[str] = []
    state = {"out": None, "in_file": 0, "written": 0}
    counts = {"cases": n_cases, "events": 0, "late": 0, "corrections": 0, "returns": 0}
    kinds: dict[str, int] = {}

    def emit(line: str) -> None:
        if state["out"] is None or state["in_file"] >= file_events:
            if state["out"] is not None:
                state["out"].close()
            name = f"events-{len(files) + 1:03d}.jsonl"
            files.append(name)
            state["out"] = (workdir / name).open("w", encoding="utf-8")
            state["in_file"] = 0
        state["out"].write(line)
        state["in_file"] += 1
        state["written"] += 1

    def flush(before: int) -> None:
        for day in sorted(d for d in buckets if d < before):
            for _sec, _seq, line in sorted(buckets.pop(day)):
                emit(line)

    for seq in range(n_cases):
        received = seq * len(year_days) // n_cases
        flush(received)
        source, prefix, chinese = SOURCES[0] if seq % 10 < 7 else SOURCES[1]
        case_no = f"{prefix}{YEAR}{seq:08d}"
        code, limit = items[rng.randrange(len(items))]
        late = rng.random() < P_LATE
        span = limit + rng.randint(1, 3) if late else rng.randint(max(1, limit // 3), limit)
        counts["late"] += late
        # Working days from one step to the next: 承办 the day of receipt or the next, the rest
        # of the span split at random between 审核, 批准 and 办结.
        first = min(1, span) if rng.random() < 0.5 else 0
        cuts = sorted(rng.randint(0, span - first) for _ in range(2))
        gaps = [first, cuts[0], cuts[1] - cuts[0], span - first - cuts[1]]
        day, sec = received, rng.randint(DAY_START, DAY_START + 7 * 3600)
        plan = [("accept", 0, ""), ("undertake", gaps[0], "")]
        if rng.random() < P_CORRECT:
            counts["corrections"] += 1
            plan += [("correct", 0, rng.choice(CORRECT_REASONS)), ("resume", rng.randint(1, 5), "")]
        plan.append(("review", gaps[1], ""))
        if rng.random() < P_RETURN:
            counts["returns"] += 1
            plan += [("return", 0, rng.choice(RETURN_REASONS)), ("review", rng.randint(0, 1), "")]
        plan += [("approve", gaps[2], ""), ("complete", gaps[3], "")]
        for k, (kind, gap, reason) in enumerate(plan, 1):
            if k > 1:
                if gap:
                    day, sec = day + gap, rng.randint(DAY_START, DAY_END)
                else:
                    sec += rng.randint(300, 3600)
                    if sec > DAY_END:
                        day, sec = day + 1, rng.randint(DAY_START, DAY_START + 3600)
            if day > feed_end:
                break  # still in progress when the feed stops: the case stays open
            event = {
                "source": source,
                "event_id": f"{case_no}-{k}",
                "case": case_no,
                "kind": LABELS[kind] if chinese else kind,
                "at": f"{stamps[day]}T{sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}+08:00",
                "actor": names[(seq * 7 + k) % len(names)],
            }
            if reason:
                event["reason"] = reason
            if kind == "accept":
                event["power_item"] = code
                event["applicant"] = applicant()
            elif kind == "complete":
                roll = rng.random()
                if roll < 0.92:
                    event["result"] = "准予" if chinese else "granted"
                elif roll < 0.98:
                    event["result"] = "不予" if chinese else "refused"
                    event["reason"] = rng.choice(REFUSE_REASONS)
                else:
                    event["result"] = "其他" if chinese else "other"
            line = json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n"
            buckets.setdefault(day, []).append((sec, seq, line))
            kinds[kind] = kinds.get(kind, 0) + 1
    flush(len(workdays) + 1)
    if state["out"] is not None:
        state["out"].close()
    counts["events"] = state["written"]
    counts["open_at_feed_end"] = n_cases - kinds.get("complete", 0)
    feed_end_at = datetime.combine(year_days[feed_end], time(18), tzinfo=calendar.SHANGHAI)
    return {
        "files": files,
        "file_events": file_events,
        "counts": counts,
        "kinds": kinds,
        "feed_end": feed_end_at.isoformat(),
    }


# --- the fast path (a full-size run loads most of the year this way)


def _rows(model, values: list[dict], defaults: dict) -> tuple[list[str], list[tuple]]:
    columns = [f.attname for f in model._meta.concrete_fields]
    return columns, [tuple(v.get(c, defaults.get(c)) for c in columns) for v in values]


def _defaults(model) -> dict:
    return {f.attname: f.get_default() for f in model._meta.concrete_fields}


def preload(paths: list[Path], insert) -> dict:
    """The events of `paths` stored without `ingest`: each case's state from `clock.case_state`
    over its events, cases and events written by `insert(model, columns, rows)` (executemany or
    COPY). Unvalidated (the files are this generator's own), no event findings, no audit entry;
    the digest is the line's SHA-256, not ingest's canonical one. The cases table must be empty.
    """
    if Case.objects.exists():
        raise SystemExit("bench: the fast path needs an empty cases table")
    items = {i.code: i for i in PowerItem.objects.filter(code__startswith="BENCH-SUP-")}
    steps = defaultdict(dict)
    for row in monitored_step_limits():
        steps[row["item_id"]][row["case_step"]] = row["days"]
    limits = {
        i.pk: clock.Limits(i.legal_limit, i.promised_limit, dict(steps.get(i.pk, {})))
        for i in items.values()
    }
    kinds = {**{k: k for k in LABELS}, **{label: k for k, label in LABELS.items()}}
    results = {"granted": "granted", "refused": "refused", "other": "other"}
    results.update({"准予": "granted", "不予": "refused", "其他": "other"})
    adapt = connection.ops.adapt_datetimefield_value
    now = adapt(timezone.now())
    event_defaults = _defaults(CaseEvent)
    cases: dict[tuple[str, str], dict] = {}
    events = 0
    for path in paths:
        values = []
        with path.open(encoding="utf-8") as f:
            for line in f:
                e = json.loads(line)
                kind, at = kinds[e["kind"]], datetime.fromisoformat(e["at"])
                key = (e["source"], e["case"])
                if kind == "accept":
                    item = items[e["power_item"]]
                    case = cases[key] = {
                        "id": len(cases) + 1,
                        "item": item,
                        "source": e["source"],
                        "external_no": e["case"],
                        "applicant": e["applicant"],
                        "received_at": at,
                        "events": [],
                        "result": "",
                    }
                    data = {"power_item": item.code, "applicant": mask(e["applicant"])}
                else:
                    case = cases[key]
                    data = {}
                    if kind == "complete":
                        data = {"result": results[e["result"]]}
                        case["result"] = data["result"]
                case["events"].append(clock.Event(kind, at))
                events += 1
                values.append(
                    {
                        "id": events,
                        "case_id": case["id"],
                        "source": e["source"],
                        "event_id": e["event_id"],
                        "kind": kind,
                        "at": adapt(at),
                        "actor": e.get("actor", ""),
                        "reason": e.get("reason", ""),
                        "data": json.dumps(data),  # as Django stores a JSONField
                        "digest": hashlib.sha256(line.encode()).hexdigest(),
                        "ingested_at": now,
                    }
                )
        # Foreign keys are deferred (Django creates them so): events may go before their cases.
        insert(CaseEvent, *_rows(CaseEvent, values, event_defaults))
    case_defaults = _defaults(Case)
    values = []
    for case in cases.values():
        item = case["item"]
        state = clock.case_state(case["received_at"], case["events"], limits[item.pk])
        row = {
            "id": case["id"],
            "power_item_id": item.pk,
            "unit_id": item.unit_id,
            "department_id": item.department_id,
            "source": case["source"],
            "external_no": case["external_no"],
            "applicant_masked": mask(case["applicant"]),
            "applicant_sealed": crypto.seal(case["applicant"]),
            "received_at": adapt(case["received_at"]),
            "result": case["result"],
            "fee_charged": None,
            "penalty_amount": None,
        }
        for name in clock.State.__dataclass_fields__:
            value = getattr(state, name)
            row[name] = adapt(value) if isinstance(value, datetime) else value
        values.append(row)
    insert(Case, *_rows(Case, values, case_defaults))
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Case, CaseEvent]):
            cursor.execute(sql)
    return {"files": len(paths), "events": events, "cases": len(cases)}


# --- the baselines' SQL


def raw_tables() -> None:
    """The bare table, and a second one with the indexes of the events table (unique source and
    event id, case and time): what inserting alone costs once the rows are indexed."""
    at = "timestamp with time zone" if connection.vendor == "postgresql" else "datetime"
    with connection.cursor() as cursor:
        for table in (RAW_TABLE, RAW_INDEXED):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(
                f"CREATE TABLE {table} (source varchar(50), event_id varchar(100),"
                f" case_no varchar(100), kind varchar(10), at {at}, actor varchar(100),"
                " reason text, data text)"
            )
        cursor.execute(f"CREATE UNIQUE INDEX {RAW_INDEXED}_id ON {RAW_INDEXED} (source, event_id)")
        cursor.execute(f"CREATE INDEX {RAW_INDEXED}_case ON {RAW_INDEXED} (case_no, at)")


def raw_rows(path: Path) -> list[tuple]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            extra = {k: v for k, v in e.items() if k not in ("source", "event_id", "case")}
            rows.append(
                (
                    e["source"],
                    e["event_id"],
                    e["case"],
                    e["kind"],
                    e["at"],
                    e.get("actor", ""),
                    e.get("reason", ""),
                    json.dumps(extra, ensure_ascii=False),
                )
            )
    return rows


def raw_insert(rows: list[tuple], table: str = RAW_TABLE) -> None:
    with transaction.atomic():
        risks.insert_table(table, RAW_COLUMNS, rows)


def _tables() -> dict:
    from lianfang.org.models import Department

    return {
        "case": connection.ops.quote_name(Case._meta.db_table),
        "finding": connection.ops.quote_name(Finding._meta.db_table),
        "department": connection.ops.quote_name(Department._meta.db_table),
        "item": connection.ops.quote_name(PowerItem._meta.db_table),
        "tally": connection.ops.quote_name(CaseTally._meta.db_table),
    }


def _scope(user, alias: str) -> tuple[str, list]:
    """The user's data scope as a literal `department_id IN (…)` (nothing for an all-scope)."""
    if user.data_scope == "all":
        return "", []
    ids = sorted(set(user.scope_departments().values_list("pk", flat=True)))
    return f" AND {alias}.department_id IN ({', '.join(['%s'] * len(ids))})", ids


def _day(column: str) -> str:
    """The SQL date of `column` in Asia/Shanghai."""
    if connection.vendor == "postgresql":
        return f"({column} AT TIME ZONE 'Asia/Shanghai')::date"
    return f"date({column}, '+8 hours')"


def board_sql(user, now: datetime, since: datetime) -> dict:
    """The raw SQL each board selector wraps, with the user's scope as literal ids."""
    t = _tables()
    a = connection.ops.adapt_datetimefield_value
    today = calendar.as_date(now)
    day = datetime.combine(today, datetime.min.time(), tzinfo=calendar.SHANGHAI)
    month = day.replace(day=1)
    case_scope, case_ids = _scope(user, "c")
    tally_scope, _ids = _scope(user, "t")
    counts = [
        (
            "SELECT SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN status = 'paused' THEN 1 ELSE 0 END)"
            f" FROM {t['case']} c WHERE status IN ('open', 'paused'){case_scope}",
            case_ids,
        ),
        (
            "SELECT f.level, SUM(CASE WHEN f.found_at >= %s THEN 1 ELSE 0 END), COUNT(*)"
            f" FROM {t['finding']} f JOIN {t['case']} c ON c.id = f.case_id"
            f" WHERE f.level IN (1, 2, 3) AND f.found_at >= %s AND f.found_at <= %s{case_scope}"
            " GROUP BY f.level",
            [a(day), a(month), a(now), *case_ids],
        ),
    ]

    def grouped(column: str, table: str) -> list:
        return [
            (
                f"SELECT t.{column}, g.name, SUM(t.received), SUM(t.still_open),"
                " SUM(t.completed), SUM(t.yellow), SUM(t.red)"
                f" FROM {t['tally']} t JOIN {table} g ON g.id = t.{column}"
                f" WHERE t.day >= %s{tally_scope} GROUP BY t.{column}, g.name",
                [calendar.as_date(since).isoformat(), *case_ids],
            ),
        ]

    trend = [
        (
            "SELECT t.day, SUM(t.yellow), SUM(t.red), SUM(t.completed_on)"
            f" FROM {t['tally']} t WHERE t.day >= %s AND t.day <= %s{tally_scope}"
            " GROUP BY t.day",
            [calendar.as_date(since).isoformat(), today.isoformat(), *case_ids],
        ),
    ]
    nearest = [
        (
            "SELECT c.id, c.external_no, c.due_at, i.code, i.name, d.name"
            f" FROM {t['case']} c JOIN {t['item']} i ON i.id = c.power_item_id"
            f" JOIN {t['department']} d ON d.id = c.department_id"
            f" WHERE c.status = 'open' AND c.due_at >= %s{case_scope}"
            " ORDER BY c.due_at, c.id LIMIT 10",
            [a(now), *case_ids],
        )
    ]
    return {
        "board_counts": counts,
        "board_by_department": grouped("department_id", t["department"]),
        "board_by_item": grouped("power_item_id", t["item"]),
        "board_trend": trend,
        "nearest_deadline": nearest,
    }
