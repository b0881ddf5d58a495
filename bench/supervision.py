"""Benchmark of electronic supervision at scale (issue 5, "Performance"); not a test.

    DATABASE_URL=sqlite:////tmp/bench_sup.sqlite3 .venv/bin/python bench/supervision.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lf_bench_sup \
        .venv/bin/python bench/supervision.py

On the (throwaway) database in DATABASE_URL it migrates, generates the organisation of
bench/risks.py and power items over its departments (bulk inserts), writes a year of case events
to JSON Lines files (bench/supervision_data.py), then measures, each beside a same-run baseline
on the same database:

1. ingest: every file through the real path (`readers.read_events` → `ingest.ingest`: validated,
   stored, case state and deadlines updated), events/s, against inserting the same rows into a
   bare table (executemany on SQLite, COPY on PostgreSQL) right after each file;
2. the sweep: `sweep.sweep(now)` over the cases all open (the completed ones reopened in a
   transaction that is rolled back), at a `now` where a small and one where a large share of
   them is overdue, against one raw indexed `UPDATE` marking the same overdue cases;
3. the live board: the board selectors of `lianfang.supervision.selectors`, p50/p95 over --runs
   runs, against the raw SQL aggregate each wraps.

Prints a table and merges this database's figures into bench/results/supervision.json. A
database that already holds this benchmark's data at the asked size is reused (no generation,
no ingest: the ingest figures are then absent).
"""

import argparse
import inspect
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import risks  # bench/risks.py: sets up Django; its organisation and timing helpers
import supervision_data as data
from django.core.management import call_command
from django.db import connection, transaction

from lianfang.core import calendar
from lianfang.org.models import Unit
from lianfang.powers.models import PowerItem
from lianfang.supervision import readers, sweep, tally
from lianfang.supervision.ingest import ingest
from lianfang.supervision.models import Case, CaseEvent, Finding

ROOT = risks.ROOT
RESULTS = ROOT / "bench" / "results" / "supervision.json"
TARGET_INGEST_RATIO = 0.3
TARGET_SWEEP_RATIO = 2.0
TARGET_BOARD_RATIO = 3.0
TARGET_BOARD_MS = 150.0
log = risks.log


# --- data -----------------------------------------------------------------------------------


def existing(n_cases: int) -> bool:
    """True when this database already holds the benchmark data at this size."""
    if Unit.objects.filter(code=risks.CODE).exists():
        if not PowerItem.objects.filter(code__startswith="BENCH-SUP-").exists():
            raise SystemExit("bench: this database holds bench/risks.py data; give it its own")
        found = Case.objects.count()
        if found != n_cases:
            raise SystemExit(
                f"bench: this database holds {found} cases, not {n_cases} (or an interrupted "
                "run); drop it (it is a throwaway database) and run again"
            )
        return True
    if Unit.objects.exists():
        raise SystemExit("bench: the database holds other data; give it a throwaway database")
    return False


def generate(args, rng: random.Random) -> dict:
    started = time.perf_counter()
    with transaction.atomic():
        org = risks.generate_org(args.units, args.people_per_post)
        made = data.generate_items(org["departments"], args.items, rng)
    return {
        "units": len(org["units"]),
        "departments": len(org["departments"]),
        "people": len(org["people"]),
        **made,
        "organisation_seconds": round(time.perf_counter() - started, 1),
    }


def event_files(args, rng: random.Random) -> tuple[Path, dict]:
    """The JSON Lines files of this size, written unless a previous run left them."""
    workdir = Path(args.workdir or Path(tempfile.gettempdir()) / f"bench_sup_{args.cases}")
    manifest_path = workdir / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("seed") == args.seed and manifest.get("file_events") == args.file_events:
            return workdir, manifest
    workdir.mkdir(parents=True, exist_ok=True)
    items = [
        (code, promised or legal)
        for code, promised, legal in PowerItem.objects.filter(code__startswith="BENCH-SUP-")
        .order_by("code")
        .values_list("code", "promised_limit", "legal_limit")
    ]
    started = time.perf_counter()
    manifest = data.write_events(
        workdir, args.cases, items, risks._names(5000), args.file_events, rng
    )
    manifest["seed"] = args.seed
    manifest["write_seconds"] = round(time.perf_counter() - started, 1)
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return workdir, manifest


# --- 1. ingest ------------------------------------------------------------------------------


def _seconds(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def preload_figures(workdir: Path, names: list[str]) -> dict:
    started = time.perf_counter()
    with transaction.atomic():
        done = data.preload([workdir / name for name in names], risks._insert)
        tally.rebuild()  # the board's daily counts, which ingest keeps from here on
    with connection.cursor() as cursor:
        # A live database has its planner statistics; without them PostgreSQL plans ingest's
        # lookups on the loaded tables as if they were empty (measured: 631 events/s, not 4,080).
        cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    log(f"fast path: {done} in {seconds:.1f} s")
    return {
        **done,
        "seconds": round(seconds, 1),
        "events_per_s": round(done["events"] / seconds) if seconds else None,
        "method": "not through ingest: each case's state by clock.case_state, cases and events "
        + ("COPY" if connection.vendor == "postgresql" else "executemany")
        + " (no validation, no event findings, digest = the line's SHA-256)",
    }


def ingest_figures(workdir: Path, names: list[str], profile: str) -> dict:
    data.raw_tables()
    per_file = []
    totals = {"raw": 0.0, "indexed": 0.0}  # unrounded: a small file's insert takes milliseconds
    for name in names:
        path = workdir / name
        started, cpu_started = time.perf_counter(), time.process_time()
        if profile and name == names[-1]:  # the last file: it meets the fullest tables
            import cProfile

            profiler = cProfile.Profile()
            result = profiler.runcall(
                ingest, readers.read_events(path), actor=None, source_name=name
            )
            profiler.dump_stats(profile)
        else:
            result = ingest(readers.read_events(path), actor=None, source_name=name)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        if not result.ok:
            raise SystemExit(f"bench: {name} rejected: {result.rejected[:5]}")
        rows = data.raw_rows(path)
        raw_seconds = _seconds(data.raw_insert, rows)
        # Into the indexed copy, holding the earlier files' rows as the events table does.
        indexed_seconds = _seconds(data.raw_insert, rows, data.RAW_INDEXED)
        totals["raw"] += raw_seconds
        totals["indexed"] += indexed_seconds
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {data.RAW_TABLE}")
        per_file.append(
            {
                "file": name,
                "events": result.applied,
                "seconds": round(seconds, 2),
                "events_per_s": round(result.applied / seconds),
                "cpu_seconds": round(cpu, 2),
                "raw_seconds": round(raw_seconds, 3),
                "raw_events_per_s": round(len(rows) / raw_seconds),
                "indexed_seconds": round(indexed_seconds, 3),
            }
        )
        log(
            f"ingest {name}: {result.applied:,} events in {seconds:.1f} s "
            f"({result.applied / seconds:,.0f}/s); raw insert {raw_seconds:.2f} s "
            f"({len(rows) / raw_seconds:,.0f}/s), indexed {indexed_seconds:.2f} s"
        )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {data.RAW_TABLE}")
        cursor.execute(f"DROP TABLE {data.RAW_INDEXED}")
        cursor.execute("ANALYZE")
    events = sum(f["events"] for f in per_file)
    seconds = sum(f["seconds"] for f in per_file)
    raw_seconds, indexed_seconds = totals["raw"], totals["indexed"]
    rate, raw_rate = events / seconds, events / raw_seconds
    rates = [f["events_per_s"] for f in per_file]
    cpu = sum(f["cpu_seconds"] for f in per_file)
    return {
        "figure": "ingest JSON Lines files (read, validate, store, case state and deadlines)",
        "files": len(per_file),
        "events": events,
        "seconds": round(seconds, 1),
        "events_per_s": round(rate),
        "events_per_s_min_file": min(rates),
        "events_per_s_max_file": max(rates),
        # This process's CPU time: on a shared machine, events per CPU-second of the Python side
        # (with SQLite, the database's work too; PostgreSQL's server work is not counted).
        "cpu_seconds": round(cpu, 1),
        "events_per_cpu_s": round(events / cpu) if cpu else None,
        "baseline": "the same rows into a bare table (no index, no constraint): "
        + ("COPY" if connection.vendor == "postgresql" else "executemany, batches of 5,000"),
        "baseline_seconds": round(raw_seconds, 2),
        "baseline_events_per_s": round(raw_rate),
        "ratio": round(rate / raw_rate, 3),
        "indexed_baseline": "the same rows into a table with the events table's two indexes",
        "indexed_baseline_events_per_s": round(events / indexed_seconds),
        "ratio_to_indexed": round(rate * indexed_seconds / events, 3),
        "target": f"≥ {TARGET_INGEST_RATIO}× the baseline's rate",
        "pass": rate / raw_rate >= TARGET_INGEST_RATIO,
        "per_file": per_file,
    }


# --- 2. the sweep ---------------------------------------------------------------------------


def _overdue_now(share: float, total: int) -> datetime:
    """The instant just after the due time of the open case at `share` of them by due time."""
    offset = max(0, min(total - 1, round(share * total) - 1))
    row = (
        Case.objects.filter(status="open", due_at__isnull=False)
        .order_by("due_at")
        .values_list("due_at", flat=True)[offset : offset + 1]
    )
    return row[0] + timedelta(microseconds=1)


def sweep_figures(shares: list[float], runs: int, profile: str = "") -> list[dict]:
    """Each in a savepoint rolled back, inside a transaction that reopens every case first.
    With `profile`, the last share's first sweep is run under cProfile (stats to that file)."""
    table = connection.ops.quote_name(Case._meta.db_table)
    sql = (
        f"UPDATE {table} SET card_level = 3"
        " WHERE status = 'open' AND due_at < %s AND card_level < 3"
    )
    figures = []
    with transaction.atomic():
        reopened = Case.objects.exclude(status="open").update(status="open")
        open_cases = Case.objects.filter(status="open").count()
        log(f"sweep: {reopened:,} cases reopened, {open_cases:,} open (rolled back at the end)")
        for share in shares:
            now = _overdue_now(share, open_cases)
            param = connection.ops.adapt_datetimefield_value(now)
            app_times, raw_times, counts, updated = [], [], {}, 0
            for _run in range(runs):
                with transaction.atomic():
                    started = time.perf_counter()
                    if profile and share == shares[-1] and not app_times:
                        import cProfile

                        profiler = cProfile.Profile()
                        result = profiler.runcall(sweep.sweep, now)
                        profiler.dump_stats(profile)
                    else:
                        result = sweep.sweep(now)
                    app_times.append(time.perf_counter() - started)
                    counts = dict(result.counts)
                    transaction.set_rollback(True)
                with transaction.atomic():
                    started = time.perf_counter()
                    with connection.cursor() as cursor:
                        cursor.execute(sql, [param])
                        updated = cursor.rowcount
                    raw_times.append(time.perf_counter() - started)
                    transaction.set_rollback(True)
            app, base = statistics.median(app_times), statistics.median(raw_times)
            log(f"sweep at {now.isoformat()}: {app:.2f} s, {counts}; raw UPDATE {base:.2f} s")
            figures.append(
                {
                    "figure": f"sweep, {share:.1%} of open cases past due",
                    "now": now.astimezone(calendar.SHANGHAI).isoformat(),
                    "open_cases": open_cases,
                    "overdue_cases": updated,
                    "findings": counts,
                    "seconds": round(app, 3),
                    "baseline_seconds": round(base, 3),
                    "baseline": "one raw UPDATE … SET card_level = 3 WHERE status = 'open' AND "
                    "due_at < now AND card_level < 3 (rolled back)",
                    "ratio": round(app / base, 1) if base else None,
                    "runs": runs,
                    "target": f"≤ {TARGET_SWEEP_RATIO:.0f}× the baseline",
                    "pass": app <= TARGET_SWEEP_RATIO * base,
                }
            )
        transaction.set_rollback(True)
    return figures


# --- 3. the live board ------------------------------------------------------------------------


BOARD = ("board_counts", "board_by_department", "board_by_item", "board_trend", "nearest_deadline")


def board_figures(user, now: datetime, since: datetime, runs: int) -> list[dict]:
    """Each board selector (called as the board view calls it) against its raw SQL; a selector
    not (yet) in `lianfang.supervision.selectors` is reported missing."""
    try:
        from lianfang.supervision import selectors
    except ImportError:
        selectors = None
    given = {"user": user, "now": now, "since": since, "until": now}
    figures = []
    for name, queries in data.board_sql(user, now, since).items():
        fn = getattr(selectors, name, None)
        if fn is None:
            figures.append({"user": user.username, "figure": name, "missing": True})
            continue
        names = [p for p in inspect.signature(fn).parameters if p in given]
        kwargs = {p: given[p] for p in names}

        def app(fn=fn, kwargs=kwargs):
            result = fn(**kwargs)
            return result if isinstance(result, dict | list) else list(result)

        def base(queries=queries):
            return [risks.raw(sql, params)() for sql, params in queries]

        a, b = risks.timed(app, runs), risks.timed(base, runs)
        result = app()
        figures.append(
            {
                "user": user.username,
                "figure": name,
                "p50_ms": a["p50_ms"],
                "p95_ms": a["p95_ms"],
                "baseline_p50_ms": b["p50_ms"],
                "baseline_p95_ms": b["p95_ms"],
                "ratio_p95": round(a["p95_ms"] / b["p95_ms"], 1) if b["p95_ms"] else None,
                "rows": len(result),
                "runs": runs,
                "target": f"p95 ≤ {TARGET_BOARD_RATIO:.0f}× raw and ≤ {TARGET_BOARD_MS:.0f} ms",
                "pass": a["p95_ms"] <= min(TARGET_BOARD_MS, TARGET_BOARD_RATIO * b["p95_ms"]),
            }
        )
    return figures


# --- report ---------------------------------------------------------------------------------


def print_table(vendor: str, result: dict) -> None:
    d = result["data"]
    print(
        f"\n== {vendor} {result['database']['version']} — {d['cases']:,} cases, "
        f"{d['events']:,} events, {d['open_cases']:,} open, {d['findings']:,} findings =="
    )
    if result.get("fast_path"):
        f = result["fast_path"]
        print(
            f"fast path (not measured against a target): {f['events']:,} events of "
            f"{f['files']} files, {f['cases']:,} cases, {f['seconds']} s ({f['method']})"
        )
    if result.get("ingest"):
        f = result["ingest"]
        print(
            f"ingest: {f['events']:,} events in {f['files']} files, {f['seconds']} s, "
            f"{f['events_per_s']:,}/s (files {f['events_per_s_min_file']:,}–"
            f"{f['events_per_s_max_file']:,}/s; {f['events_per_cpu_s']:,} per CPU-second of this "
            f"process); baseline {f['baseline_events_per_s']:,}/s "
            f"({f['baseline']}); ratio {f['ratio']} — "
            f"indexed-table baseline {f['indexed_baseline_events_per_s']:,}/s, "
            f"ratio {f['ratio_to_indexed']} — "
            f"{'ok' if f['pass'] else 'MISSED'} ({f['target']})"
        )
    for f in result["sweep"]:
        print(
            f"{f['figure']}: {f['seconds']} s over {f['open_cases']:,} open cases "
            f"({f['overdue_cases']:,} past due, findings {sum(f['findings'].values()):,}); "
            f"raw UPDATE {f['baseline_seconds']} s; ratio {f['ratio']} — "
            f"{'ok' if f['pass'] else 'MISSED'} ({f['target']})"
        )
    header = (
        f"{'user':<13}{'figure':<22}{'rows':>6}{'p50':>9}{'p95':>9}{'base p50':>10}"
        f"{'base p95':>10}{'ratio':>7}  result"
    )
    print(header)
    print("-" * len(header))
    for f in result["board"]:
        if f.get("missing"):
            print(f"{f['user']:<13}{f['figure']:<22}  missing from supervision.selectors")
            continue
        print(
            f"{f['user']:<13}{f['figure']:<22}{f['rows']:>6}{f['p50_ms']:>9.1f}"
            f"{f['p95_ms']:>9.1f}{f['baseline_p50_ms']:>10.1f}{f['baseline_p95_ms']:>10.1f}"
            f"{f['ratio_p95']:>7}  {'ok' if f['pass'] else 'MISSED'} ({f['target']})"
        )
    print("(ms; ratio = app p95 / baseline p95)")


def counts() -> dict:
    return {
        "power_items": PowerItem.objects.filter(code__startswith="BENCH-SUP-").count(),
        "cases": Case.objects.count(),
        "events": CaseEvent.objects.count(),
        "open_cases": Case.objects.filter(status="open").count(),
        "findings": Finding.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=400)
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--people-per-post", type=int, default=6)
    parser.add_argument("--file-events", type=int, default=500_000, help="events per file")
    parser.add_argument(
        "--ingest-files",
        type=int,
        default=0,
        help="only the last N files through ingest, the earlier ones by the fast path (0: all)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workdir", default="", help="where the event files go (reused)")
    parser.add_argument(
        "--overdue", default="0.001,0.1", help="shares of open cases past due at the sweeps"
    )
    parser.add_argument("--sweep-runs", type=int, default=1)
    parser.add_argument("--runs", type=int, default=30, help="timed runs per board query")
    parser.add_argument(
        "--profile",
        default="",
        help="cProfile the last file's ingest to this file, the large-share sweep to FILE.sweep",
    )
    parser.add_argument("--no-save", action="store_true", help="do not write the JSON")
    args = parser.parse_args()

    started = time.perf_counter()
    load_before = os.getloadavg()
    call_command("migrate", interactive=False, verbosity=0)
    rng = random.Random(args.seed)
    result = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "database": risks.database(),
        "machine": risks.machine(),
        "fast_path": None,
        "ingest": None,
        "sweep": [],
        "board": [],
    }
    reused = existing(args.cases)
    generated = {} if reused else generate(args, rng)
    workdir, manifest = event_files(args, rng)
    log(f"event files in {workdir}: {manifest['counts']}")
    if not reused:
        files = manifest["files"]
        real = files[-args.ingest_files :] if args.ingest_files else files
        if len(real) < len(files):
            result["fast_path"] = preload_figures(workdir, files[: len(files) - len(real)])
        result["ingest"] = ingest_figures(workdir, real, args.profile)
        # The sweep the watch loop runs, once at the end of the feed, so that the board has
        # the cards of the cases still open then (committed; the sweeps measured roll back).
        feed_end = datetime.fromisoformat(manifest["feed_end"])
        found, seconds = risks._clock(lambda: sweep.sweep(feed_end))
        log(f"sweep at the end of the feed: {found.counts} in {seconds} s")
    result["data"] = {
        **counts(),
        **generated,
        "generated_events": manifest["counts"],
        "method": "reused from an earlier run of this benchmark"
        if reused
        else "organisation and power items by bulk_create; "
        + (
            f"the events of the first {result['fast_path']['files']} files by the fast path, "
            f"the last {result['ingest']['files']} through ingest"
            if result["fast_path"]
            else "every event through ingest"
        ),
    }
    log(f"data: {result['data']}")

    if connection.vendor == "postgresql":
        # What autovacuum keeps a live database like: no dead rows from an earlier run's
        # rolled-back sweeps (reopening every case leaves a dead version of each).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    # The board before the sweeps, whose rolled-back reopening of every case would leave dead
    # rows behind on PostgreSQL for the board's scans.
    now = datetime.fromisoformat(manifest["feed_end"])
    since = datetime.combine(
        calendar.as_date(now) - timedelta(days=89), datetime.min.time(), tzinfo=calendar.SHANGHAI
    )
    from lianfang.accounts.models import User

    for username in ("bench_head", "bench_jijian"):
        log(f"board queries as {username}")
        result["board"] += board_figures(User.objects.get(username=username), now, since, args.runs)

    shares = [float(s) for s in args.overdue.split(",") if s]
    sweep_profile = f"{args.profile}.sweep" if args.profile else ""
    result["sweep"] = sweep_figures(shares, args.sweep_runs, sweep_profile)

    risks.finish(result, started, load_before, print_table, None if args.no_save else RESULTS)


if __name__ == "__main__":
    sys.exit(main())
