"""Benchmark of the risk library at scale (issue 3, "Performance"); not a test.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/risks.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lf_bench .venv/bin/python bench/risks.py

On the (throwaway) database in DATABASE_URL it migrates, generates an organisation and a risk
library set-based (bulk inserts in batches: no services, no audit entries, no history rows),
then measures, each beside a same-run baseline on the same database:

1. the library page as the app runs it (`selectors.risk_list` first page of 50 through the
   paginator, and `level_counts`, `rollup(..., "department")`, `category_counts`, `heat_map`
   on the scoped, filtered base) for a department head and a discipline-inspection user,
   p50/p95 over --runs runs, against the equivalent raw SQL;
2. importing a 10,000-row personal register (`registers.importer.register_import`, rolled
   back afterwards) against reading the same file with raw openpyxl;
3. exporting the whole library to .xlsx (`registers.exports.register_export`, the three
   registers, 100,000 rows) with its tracemalloc peak, and the writer alone
   (`registers.xlsx.write_register`) against raw openpyxl write-only of the same rows.

Prints a table and merges this database's figures into bench/results/risks.json. A database
that already holds this benchmark's data at the asked size is reused (no regeneration).
"""

import argparse
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianfang.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from lianfang.accounts.models import User, UserRole  # noqa: E402
from lianfang.core.scopes import scoped  # noqa: E402
from lianfang.org.models import (  # noqa: E402
    Assignment,
    Department,
    Leadership,
    Person,
    Post,
    Tier,
    Unit,
)
from lianfang.risks import demo_data, grading, selectors  # noqa: E402
from lianfang.risks.models import (  # noqa: E402
    Measure,
    MeasureStatus,
    Publication,
    Register,
    RiskPoint,
    Status,
    Step,
)

RESULTS = ROOT / "bench" / "results" / "risks.json"
CODE = "BENCH"  # the root unit's code marks a database this benchmark generated
YEAR = 2026
IMPORT_YEAR = 2030  # an empty year to import into (rolled back)
TARGET_MS = 100.0
TARGET_IMPORT_S = 10.0
TARGET_EXPORT_S = 30.0
IMPORT_ROWS = 10_000
BATCH = 5_000

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏建国志新海波宁琳晶辉斌"
DEPARTMENTS = (
    "办公室",
    "人事科",
    "财务审计科",
    "政策法规科",
    "行政审批科",
    "业务一科",
    "业务二科",
    "纪检监察室",
)
POSTS = (("科长岗", Tier.MIDDLE), ("业务主办岗", Tier.KEY), ("综合岗", Tier.GENERAL))


# --- generating ---------------------------------------------------------------------------


def _texts():
    """The demo library's risks, per register, as the text pool (category valid for it)."""
    pools = {
        Register.POST: [r for rs in demo_data.POST_RISKS.values() for r in rs],
        Register.DEPARTMENT: [r for rs in demo_data.DEPARTMENT_RISKS.values() for r in rs],
        Register.UNIT: [r for rs in demo_data.UNIT_RISKS.values() for r in rs],
    }
    return pools


def _names(count: int) -> list[str]:
    names = []
    for i in range(count):
        surname = SURNAMES[i % len(SURNAMES)]
        k = i // len(SURNAMES)
        given = GIVEN[k % len(GIVEN)] + GIVEN[(k // len(GIVEN) + k) % len(GIVEN)]
        names.append(surname + given)
    if len(set(names)) != count:
        raise SystemExit("bench: not enough distinct names")
    return names


def existing(n_risks: int) -> bool:
    """True when this database already holds the benchmark data at this size."""
    if Unit.objects.filter(code=CODE).exists():
        found = RiskPoint.objects.count()
        if found != n_risks:
            raise SystemExit(
                f"bench: this database holds {found} risks, not {n_risks}; "
                "drop it (it is a throwaway database) or pass --risks {found}"
            )
        return True
    if Unit.objects.exists():
        raise SystemExit("bench: the database holds other data; give it a throwaway database")
    return False


def generate_org(n_units: int, people_per_post: int) -> dict:
    """The organisation and the two measured users, in bulk (also used by bench/supervision.py).
    Returns its parts: units, departments, posts, people, holders (post id → people), head
    (department id → its head), principal (unit id → its principal)."""
    start = date(YEAR - 3, 1, 1)

    # Units: a root and its subordinate units, with materialised paths.
    root = Unit.objects.create(code=CODE, name="基准测试局", short_name="基准局", path=f"/{CODE}/")
    units = [
        root,
        *Unit.objects.bulk_create(
            Unit(
                code=f"{CODE}{i:02d}",
                name=f"基准测试局第{i}直属单位",
                short_name=f"直属单位{i}",
                parent=root,
                path=f"/{CODE}/{CODE}{i:02d}/",
                sort=i,
            )
            for i in range(1, n_units)
        ),
    ]
    departments = Department.objects.bulk_create(
        Department(unit=u, code=f"{u.code}-{k:02d}", name=name, sort=k)
        for u in units
        for k, name in enumerate(DEPARTMENTS, 1)
    )
    posts = Post.objects.bulk_create(
        Post(
            department=d,
            code=f"{d.code}-{k}",
            name=name,
            tier=tier,
            headcount=people_per_post,
            sort=k,
        )
        for d in departments
        for k, (name, tier) in enumerate(POSTS, 1)
    )
    names = _names(len(posts) * people_per_post)
    people = Person.objects.bulk_create(
        (
            Person(
                name=names[i],
                staff_no=f"B{i:06d}",
                gender="M" if i % 2 else "F",
                unit_id=post.department.unit_id,
                department=post.department,
                job_title=post.name.removesuffix("岗"),
            )
            for i, post in ((i, posts[i // people_per_post]) for i in range(len(names)))
        ),
        batch_size=BATCH,
    )
    holders = {}
    for i, person in enumerate(people):
        holders.setdefault(posts[i // people_per_post].pk, []).append(person)
    Assignment.objects.bulk_create(
        (
            Assignment(person=person, post_id=post_id, start_date=start)
            for post_id, group in holders.items()
            for person in group
        ),
        batch_size=BATCH,
    )

    # Leadership: each department's head is the first holder of its 科长岗; each unit's
    # principal and two leaders in charge are holders in its 办公室, each in charge of half.
    first_post = {p.department_id: p for p in posts if p.sort == 1}
    head = {d.pk: holders[first_post[d.pk].pk][0] for d in departments}
    Leadership.objects.bulk_create(
        Leadership(
            unit_id=d.unit_id, person=head[d.pk], role="dept_head", department=d, start_date=start
        )
        for d in departments
    )
    by_unit = {}
    for d in departments:
        by_unit.setdefault(d.unit_id, []).append(d)
    principal = {}
    charge_links = []
    Through = Leadership.departments_in_charge.through
    for unit in units:
        office = by_unit[unit.pk][0]
        staff = holders[[p for p in posts if p.department_id == office.pk][1].pk]
        principal[unit.pk] = staff[0]
        Leadership.objects.create(unit=unit, person=staff[0], role="principal", start_date=start)
        half = len(by_unit[unit.pk]) // 2
        for person, group in (
            (staff[1], by_unit[unit.pk][:half]),
            (staff[2], by_unit[unit.pk][half:]),
        ):
            office_in_charge = Leadership.objects.create(
                unit=unit, person=person, role="in_charge", start_date=start
            )
            charge_links += [Through(leadership=office_in_charge, department=d) for d in group]
    Through.objects.bulk_create(charge_links)

    # The two users measured: a department head (the busiest department's head is as good as
    # any: risks are spread evenly) and the discipline-inspection office.
    watched = departments[len(departments) // 2]
    inspection = by_unit[root.pk][-1]  # 纪检监察室 of the root unit
    inspector = holders[next(p for p in posts if p.department_id == inspection.pk).pk][0]
    for username, role, person in (
        ("bench_head", "dept_head", head[watched.pk]),
        ("bench_jijian", "jijian", inspector),
    ):
        user = User(username=username, person=person, must_change_password=False)
        user.set_unusable_password()
        user.save()
        UserRole.objects.create(user=user, role=role)
    return {
        "units": units,
        "departments": departments,
        "posts": posts,
        "people": people,
        "holders": holders,
        "head": head,
        "principal": principal,
    }


def generate(n_risks: int, n_units: int, people_per_post: int, rng: random.Random) -> dict:
    """The organisation and the library, in bulk. Returns the counts."""
    started = time.perf_counter()
    today = date.today()
    org = generate_org(n_units, people_per_post)
    units, departments, posts = org["units"], org["departments"], org["posts"]
    people, holders = org["people"], org["holders"]
    head, principal = org["head"], org["principal"]
    org_done = time.perf_counter()

    # The library: three department risks per department, four unit risks per unit, the
    # rest personal; every risk 1–5 measures (3 on average: 300,000 for 100,000 risks).
    # Rows go in as plain tuples (executemany on SQLite, COPY on PostgreSQL) with the ids
    # given, so that measures can point at their risks without reading ids back.
    if RiskPoint.objects.exists() or Measure.objects.exists():
        raise SystemExit("bench: the risk tables are not empty")
    pools = _texts()
    matrix = grading.DEFAULT_MATRIX
    n_dept = min(3 * len(departments), n_risks // 5)
    n_unit = min(4 * len(units), n_risks // 20)
    plan = (
        [Register.UNIT] * n_unit
        + [Register.DEPARTMENT] * n_dept
        + [Register.POST] * (n_risks - n_dept - n_unit)
    )
    statuses = [Status.EFFECTIVE] * 85 + [Status.IN_PROGRESS] * 12 + [Status.RETURNED] * 3
    publications = [Publication.INTERNAL] * 7 + [Publication.UNIT] * 2 + [Publication.PUBLIC]
    measure_types = {"education", "rules", "process", "supervision", "technology"}
    ops = connection.ops
    now = ops.adapt_datetimefield_value(datetime.now(tz=UTC))
    effective_on = ops.adapt_datefield_value(date(YEAR, 8, 20))
    assessed_on = ops.adapt_datefield_value(date(YEAR, 7, 15))
    overdue_on = ops.adapt_datefield_value(today - timedelta(days=30))
    due = [ops.adapt_datefield_value(today + timedelta(days=d)) for d in range(10, 200)]
    open_statuses = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)
    any_status = (MeasureStatus.DONE, MeasureStatus.IN_PROGRESS, MeasureStatus.PLANNED)
    risk_rows, measure_rows = [], []
    measure_id = 0
    for risk_id, register in enumerate(plan, 1):
        category, title, manifestation, duty_link, _g, texts = rng.choice(pools[register])
        if register == Register.POST:
            post = rng.choice(posts)
            person = rng.choice(holders[post.pk]).pk
            department_id, unit_id = post.department_id, post.department.unit_id
            post_id, responsible = post.pk, person
        elif register == Register.DEPARTMENT:
            department = rng.choice(departments)
            post_id = person = None
            department_id, unit_id = department.pk, department.unit_id
            responsible = head[department.pk].pk
        else:
            post_id = person = department_id = None
            unit_id = rng.choice(units).pk
            responsible = principal[unit_id].pk
        status = rng.choice(statuses)
        effective = status == Status.EFFECTIVE
        graded = effective or rng.random() > 0.1
        likelihood, impact = (rng.randint(1, 4), rng.randint(1, 4)) if graded else (None, None)
        risk_rows.append(
            (
                risk_id,
                register,
                YEAR,
                unit_id,
                department_id,
                post_id,
                person,
                category,
                title,
                manifestation,
                duty_link,
                matrix[likelihood - 1][impact - 1] if graded else None,
                likelihood,
                impact,
                responsible,
                Step.COLLECTIVE
                if effective
                else Step.SELF
                if status == Status.RETURNED
                else rng.randint(1, 5),
                status,
                rng.choice(publications) if effective else Publication.INTERNAL,
                effective_on if effective else None,
                assessed_on if graded else None,
                now,
                now,
            )
        )
        for k in range((risk_id * 7) % 5 + 1):
            kind, content = texts[k % len(texts)]
            overdue = rng.random() < 0.05
            measure_id += 1
            measure_rows.append(
                (
                    measure_id,
                    risk_id,
                    kind if kind in measure_types else "other",
                    content,
                    responsible,
                    overdue_on if overdue else rng.choice(due),
                    rng.choice(open_statuses if overdue else any_status),
                    "",
                    now,
                )
            )
    _insert(
        RiskPoint,
        [
            "id",
            "register",
            "year",
            "unit_id",
            "department_id",
            "post_id",
            "person_id",
            "category",
            "title",
            "manifestation",
            "duty_link",
            "level",
            "likelihood",
            "impact",
            "responsible_person_id",
            "step",
            "status",
            "publication",
            "effective_on",
            "assessed_on",
            "created_at",
            "updated_at",
        ],
        risk_rows,
    )
    _insert(
        Measure,
        [
            "id",
            "risk_id",
            "type",
            "content",
            "owner_id",
            "due_date",
            "status",
            "evidence",
            "created_at",
        ],
        measure_rows,
    )
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [RiskPoint, Measure]):
            cursor.execute(sql)
        cursor.execute("ANALYZE")
    risk_count, measure_count = len(risk_rows), len(measure_rows)
    done = time.perf_counter()
    return {
        "units": len(units),
        "departments": len(departments),
        "posts": len(posts),
        "people": len(people),
        "risks": risk_count,
        "measures": measure_count,
        "organisation_seconds": round(org_done - started, 1),
        "library_seconds": round(done - org_done, 1),
        "method": "organisation by bulk_create, library by executemany (SQLite) or COPY "
        "(PostgreSQL) in batches of 5,000; no services, no audit entries, no history rows",
    }


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert `rows` into `model`'s table, BATCH rows at a time."""
    insert_table(model._meta.db_table, columns, rows)


def insert_table(table: str, columns: list[str], rows: list[tuple]) -> None:
    """Insert `rows` into `table`: `COPY` on PostgreSQL, `executemany` in BATCH rows on SQLite."""
    table = connection.ops.quote_name(table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        for offset in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[offset : offset + BATCH])


def counts() -> dict:
    return {
        "units": Unit.objects.count(),
        "departments": Department.objects.count(),
        "posts": Post.objects.count(),
        "people": Person.objects.count(),
        "risks": RiskPoint.objects.count(),
        "measures": Measure.objects.count(),
        "method": "reused from an earlier run of this benchmark",
    }


# --- timing ---------------------------------------------------------------------------------


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def timed(fn, runs: int, warmup: int = 2) -> dict:
    for _i in range(warmup):
        fn()
    samples = []
    for _i in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 0.95), 2),
        "runs": runs,
    }


def raw(sql: str, params: list):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


# --- 1. the library page ----------------------------------------------------------------------

FILTERS = {
    "year": {"year": YEAR},
    "year+level1": {"year": YEAR, "level": 1},
    "year+duty+effective": {"year": YEAR, "category": "duty", "status": Status.EFFECTIVE},
    "year+text": {"year": YEAR, "q": "采购"},
}


def _where(filters: dict, user) -> tuple[str, list]:
    """The raw WHERE for `filters` and the user's scope, resolved to literal ids."""
    clauses, params = [], []
    for name in ("year", "level", "category", "status"):
        if name in filters:
            clauses.append(f"{name} = %s")
            params.append(filters[name])
    if filters.get("q"):
        like = f"%{filters['q']}%"
        clauses.append("(title LIKE %s OR manifestation LIKE %s OR duty_link LIKE %s)")
        params += [like, like, like]
    if user.data_scope != "all":
        ids = sorted(set(user.scope_departments().values_list("pk", flat=True)))
        marks = ", ".join(["%s"] * len(ids))
        clauses.append(f"(department_id IN ({marks}) OR person_id = %s)")
        params += [*ids, user.person_id]
    return " AND ".join(clauses), params


def library(user, runs: int) -> list[dict]:
    figures = []

    def row(name, app, base, rows):
        figures.append(
            {"user": user.username, "figure": name, **measure(app, base, runs), "rows": rows}
        )

    for label, filters in FILTERS.items():

        def page(filters=filters):
            p = Paginator(selectors.risk_list(user, filters), 50).get_page(1)
            return p.paginator.count, list(p.object_list)

        where, params = _where(filters, user)
        count_sql = f"SELECT COUNT(*) FROM risks_riskpoint WHERE {where}"
        page_sql = (
            "SELECT id, register, title, category, level, status, step, unit_id, department_id,"
            f" post_id, person_id FROM risks_riskpoint WHERE {where}"
            " ORDER BY year DESC, unit_id, department_id, post_id, id LIMIT 50"
        )

        def base(count_sql=count_sql, page_sql=page_sql, params=params):
            raw(count_sql, params)()
            raw(page_sql, params)()

        total, _rows = page()
        row(f"list page 1 [{label}]", page, base, total)

    base_qs = selectors.apply_filters(scoped(RiskPoint.objects.all(), user), {"year": YEAR})
    where, params = _where({"year": YEAR}, user)
    level_sql = f"SELECT level, COUNT(*) FROM risks_riskpoint WHERE {where} GROUP BY level"
    # Grouped as the app groups (a unit risk, without department, counts per unit).
    rollup_sql = (
        "SELECT unit_id, department_id, COUNT(*) AS total,"
        " SUM(CASE WHEN level = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN level = 2 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN level = 3 THEN 1 ELSE 0 END)"
        f" FROM risks_riskpoint WHERE {where} GROUP BY unit_id, department_id"
        " ORDER BY total DESC, department_id"
    )
    category_sql = (
        f"SELECT category, COUNT(*) FROM risks_riskpoint WHERE {where}"
        " GROUP BY category ORDER BY category"
    )
    heat_sql = (
        f"SELECT likelihood, impact, COUNT(*) FROM risks_riskpoint WHERE {where}"
        " AND likelihood IS NOT NULL AND impact IS NOT NULL GROUP BY likelihood, impact"
    )
    total = base_qs.count()
    row("level_counts", lambda: selectors.level_counts(base_qs), raw(level_sql, params), total)
    row(
        "rollup by department",
        lambda: list(selectors.rollup(base_qs, "department")[:101]),
        raw(rollup_sql, params),
        total,
    )
    row(
        "category_counts",
        lambda: list(selectors.category_counts(base_qs)),
        raw(category_sql, params),
        total,
    )
    row("heat_map", lambda: list(selectors.heat_map(base_qs)), raw(heat_sql, params), total)
    return figures


def measure(app, base, runs: int) -> dict:
    a, b = timed(app, runs), timed(base, runs)
    return {
        "p50_ms": a["p50_ms"],
        "p95_ms": a["p95_ms"],
        "baseline_p50_ms": b["p50_ms"],
        "baseline_p95_ms": b["p95_ms"],
        "ratio_p50": round(a["p50_ms"] / b["p50_ms"], 1) if b["p50_ms"] else None,
        "runs": runs,
        "target": f"p95 ≤ {TARGET_MS:.0f} ms",
        "pass": a["p95_ms"] <= TARGET_MS,
    }


# --- 2. import and 3. export ------------------------------------------------------------------


def _peak(fn) -> tuple[object, float]:
    """fn() under tracemalloc: its result and the peak of new allocations, in MB."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        result = fn()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, round(peak / 1024 / 1024, 1)


def _clock(fn) -> tuple[object, float]:
    t = time.perf_counter()
    result = fn()
    return result, round(time.perf_counter() - t, 2)


def seconds_text(seconds: float) -> str:
    return f"{seconds:.1f} s"


def log(message: str) -> None:
    """Progress on stderr, so that a long run shows where it is."""
    print(f"  … {message}", file=sys.stderr, flush=True)


def import_figures(jijian, workdir: Path, runs: int) -> list[dict]:
    from openpyxl import load_workbook

    from lianfang.risks.registers import importer, rows, xlsx
    from lianfang.risks.registers.columns import title

    path = workdir / "import.xlsx"
    risks = rows.register_risks(jijian, Register.POST, YEAR).filter(level__isnull=False)
    with path.open("wb") as out:
        written = xlsx.write_register(
            out,
            register=Register.POST,
            title=title(Register.POST, IMPORT_YEAR, "基准局"),
            rows=islice(rows.rows_of(risks), IMPORT_ROWS),
        )

    def app():
        with transaction.atomic():
            with path.open("rb") as f:
                created = importer.register_import(
                    actor=jijian,
                    register=Register.POST,
                    year=IMPORT_YEAR,
                    file=f,
                    filename=path.name,
                )
            transaction.set_rollback(True)
        return created

    def base():
        wb = load_workbook(path, read_only=True, data_only=False)
        n = sum(1 for _row in wb.worksheets[0].iter_rows(values_only=True))
        wb.close()
        return n

    app_times, base_times = [], []
    created = 0
    for _i in range(runs):
        created, seconds = _clock(app)
        app_times.append(seconds)
        _n, seconds = _clock(base)
        base_times.append(seconds)
        log(f"import: {seconds_text(app_times[-1])}, openpyxl read {seconds_text(seconds)}")
    median, baseline = statistics.median(app_times), statistics.median(base_times)
    return [
        {
            "figure": "import 10,000-row personal register (.xlsx)",
            "seconds": median,
            "seconds_max": max(app_times),
            "baseline_seconds": baseline,
            "baseline": "openpyxl read-only load and iterate the same file",
            "ratio": round(median / baseline, 1),
            "runs": runs,
            "rows": written,
            "created": created,
            "file_mb": round(path.stat().st_size / 1024 / 1024, 2),
            "target": f"≤ {TARGET_IMPORT_S:.0f} s",
            "pass": max(app_times) <= TARGET_IMPORT_S,
        }
    ]


def export_figures(jijian, trace_full: bool) -> list[dict]:
    """The whole library exported (untimed by tracemalloc); the tracemalloc peak of the export
    of one unit and of three units (flat memory: the peak does not grow with the rows; tracing
    the whole 100,000 rows takes minutes, so only with --trace-full); then the database read
    alone and raw openpyxl writing the same rows."""
    from openpyxl import Workbook

    from lianfang.risks.registers import exports, rows
    from lianfang.risks.registers.columns import COLUMNS

    def export_all(units=None):
        total = 0
        for unit in units or [None]:
            for register in Register:
                done = exports.register_export(
                    actor=jijian, register=register, year=YEAR, fmt="xlsx", unit=unit
                )
                done.file.close()
                total += done.rows
        return total

    total, seconds = _clock(export_all)
    log(f"export: {total} rows in {seconds_text(seconds)}")
    some = list(Unit.objects.filter(code__startswith=CODE).exclude(code=CODE).order_by("code"))
    peaks = {}
    for units in (some[:1], some[:3]):
        size, peak = _peak(lambda units=units: export_all(units))
        peaks[size] = peak
    if trace_full:
        _n, peaks[total] = _peak(export_all)
    log(f"export tracemalloc peaks (rows: MB): {peaks}")

    gathered, read_s = _clock(
        lambda: {
            register: list(rows.rows_of(rows.register_risks(jijian, register, YEAR)))
            for register in Register
        }
    )

    def openpyxl_raw():
        for register, items in gathered.items():
            keys = [c.key for c in COLUMNS[register]]
            wb = Workbook(write_only=True)
            ws = wb.create_sheet()
            ws.append([str(c.header) for c in COLUMNS[register]])
            for item in items:
                ws.append([item.get(k) if item.get(k) is not None else "" for k in keys])
            with tempfile.TemporaryFile() as out:
                wb.save(out)

    _n, raw_s = _clock(openpyxl_raw)
    log(f"database read {seconds_text(read_s)}, raw openpyxl write {seconds_text(raw_s)}")
    small, large = min(peaks), max(peaks)
    return [
        {
            "figure": "export the library to .xlsx (3 registers, database → file)",
            "seconds": seconds,
            "baseline_seconds": raw_s,
            "baseline": "openpyxl write-only of the same rows (values only, gathered beforehand)",
            "ratio": round(seconds / raw_s, 1),
            "rows": total,
            "database_read_seconds": read_s,
            "tracemalloc_peak_mb_by_rows": {str(k): v for k, v in sorted(peaks.items())},
            "target": f"≤ {TARGET_EXPORT_S:.0f} s, flat memory",
            "pass": seconds <= TARGET_EXPORT_S and peaks[large] <= 1.5 * peaks[small] + 2,
        },
    ]


# --- report ---------------------------------------------------------------------------------


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": int(subprocess.run(["nproc"], capture_output=True, text=True).stdout or 0)
        or os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "django": django.get_version(),
        "platform": platform.platform(),
    }


def database() -> dict:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
        else:
            cursor.execute("show server_version")
        version = cursor.fetchone()[0]
    return {"vendor": connection.vendor, "version": version}


def print_table(vendor: str, result: dict) -> None:
    print(
        f"\n== {vendor} {result['database']['version']} — {result['data']['risks']:,} risks, "
        f"{result['data']['measures']:,} measures =="
    )
    header = (
        f"{'user':<13}{'figure':<40}{'rows':>8}{'p50':>9}{'p95':>9}{'base p50':>10}"
        f"{'base p95':>10}{'ratio':>7}  result"
    )
    print(header)
    print("-" * len(header))
    for f in result["library"]:
        print(
            f"{f['user']:<13}{f['figure']:<40}{f['rows']:>8}{f['p50_ms']:>9.1f}"
            f"{f['p95_ms']:>9.1f}{f['baseline_p50_ms']:>10.1f}{f['baseline_p95_ms']:>10.1f}"
            f"{f['ratio_p50']:>7}  {'ok' if f['pass'] else 'MISSED'} ({f['target']})"
        )
    print("(ms; ratio = app p50 / baseline p50)\n")
    for f in result["files"]:
        extra = ""
        if "tracemalloc_peak_mb_by_rows" in f:
            peaks = ", ".join(
                f"{int(rows):,} rows {mb} MB"
                for rows, mb in f["tracemalloc_peak_mb_by_rows"].items()
            )
            extra = f"; database read {f['database_read_seconds']} s; tracemalloc peak {peaks}"
        print(
            f"{f['figure']}: {f['seconds']} s for {f['rows']:,} rows; baseline "
            f"{f['baseline_seconds']} s ({f['baseline']}); ratio {f['ratio']}{extra} — "
            f"{'ok' if f['pass'] else 'MISSED'} ({f['target']})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--risks", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--people-per-post", type=int, default=6)
    parser.add_argument("--runs", type=int, default=30, help="timed runs per query (≥30)")
    parser.add_argument("--import-runs", type=int, default=1)
    parser.add_argument("--skip-files", action="store_true", help="only the library queries")
    parser.add_argument(
        "--trace-full",
        action="store_true",
        help="also take the tracemalloc peak of the whole export (slow: minutes)",
    )
    parser.add_argument("--no-save", action="store_true", help="do not write the JSON")
    args = parser.parse_args()

    started = time.perf_counter()
    load_before = os.getloadavg()
    call_command("migrate", interactive=False, verbosity=0)
    if existing(args.risks):
        data = counts()
    else:
        with transaction.atomic():
            data = generate(args.risks, args.units, args.people_per_post, random.Random(2026))
    print(f"data: {data}", flush=True)
    head = User.objects.get(username="bench_head")
    jijian = User.objects.get(username="bench_jijian")
    result = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "database": database(),
        "machine": machine(),
        "data": data,
        "library": [],
        "files": [],
    }
    for user in (head, jijian):
        log(f"library queries as {user.username}")
        result["library"] += library(user, args.runs)
    if not args.skip_files:
        with tempfile.TemporaryDirectory() as tmp:
            result["files"] += import_figures(jijian, Path(tmp), args.import_runs)
            result["files"] += export_figures(jijian, args.trace_full)
    finish(result, started, load_before, print_table, None if args.no_save else RESULTS)


def finish(result: dict, started: float, load_before, print_table, path: Path | None) -> None:
    """A run's end, shared by the benchmarks: its time and load averages, the table, and the
    figures merged into `path` under this database's vendor (unless `path` is None)."""
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["load_average"] = {
        "start": [round(x, 2) for x in load_before],
        "end": [round(x, 2) for x in os.getloadavg()],
        "note": "1/5/15-minute load averages; above nproc, other work shared the CPUs",
    }
    print_table(connection.vendor, result)
    print(f"\nwhole run: {result['seconds']} s")
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        saved = json.loads(path.read_text()) if path.exists() else {}
        saved[connection.vendor] = result
        path.write_text(json.dumps(saved, ensure_ascii=False, indent=2, default=str) + "\n")
        print(f"written to {path.relative_to(ROOT)} [{connection.vendor}]")


if __name__ == "__main__":
    main()
