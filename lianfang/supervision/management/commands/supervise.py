import json
import re
import time
from datetime import date, datetime, timedelta

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.core import calendar
from lianfang.core.management.base import Command as BaseCommand
from lianfang.supervision import ingest, readers, scores, sweep
from lianfang.supervision.models import DepartmentScore, Grade, Rule

PROGRESS_WIDTH = 30


class Command(BaseCommand):
    help = gettext_lazy(
        "电子监察：ingest FILE... 导入办件事件（JSON Lines 或 CSV；任何一行有误则全部不导入，"
        "--skip-invalid 则导入有效行，问题行写入 --rejects 文件）；sweep 按时限规则扫描一次；"
        "watch 持续扫描；score --month 2026-10 计算月度绩效得分，"
        "score --quarter 2026Q3 评定季度等次。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ingesting = sub.add_parser("ingest", help=_("导入办件事件文件。"))
        ingesting.add_argument("files", nargs="+", metavar="FILE")
        ingesting.add_argument(
            "--skip-invalid",
            action="store_true",
            help=_("导入有效的行，跳过有问题的行（默认：有问题则全部不导入）。"),
        )
        ingesting.add_argument(
            "--rejects", default="", help=_("把问题行写入此文件（JSON Lines）。")
        )

        sweeping = sub.add_parser("sweep", help=_("按时限规则扫描一次在办办件。"))
        sweeping.add_argument(
            "--now",
            default="",
            help=_(
                "扫描所用的时间（ISO-8601，须带时区，如 2026-10-09T00:00:00+08:00）；默认现在。"
            ),
        )
        watching = sub.add_parser(
            "watch",
            help=_(
                "持续扫描，直到按 Ctrl-C 停止；每天首次扫描时更新月度得分，季度首日评定上季度等次。"
            ),
        )
        watching.add_argument(
            "--every", type=float, default=60.0, help=_("每隔多少秒扫描一次（默认 60）。")
        )
        watching.add_argument("--once", action="store_true", help=_("只扫描一次后退出。"))
        scoring = sub.add_parser("score", help=_("计算月度绩效得分或评定季度等次。"))
        period = scoring.add_mutually_exclusive_group(required=True)
        period.add_argument("--month", default="", help=_("计算该月的得分，如 2026-10。"))
        period.add_argument(
            "--quarter", default="", help=_("评定该季度的等次，如 2026Q3（先计算各月得分）。")
        )
        scoring.add_argument(
            "--now",
            default="",
            help=_("计算时间（ISO-8601，须带时区）；默认现在。"),
        )

    def handle(self, *args, action, **options):
        if action == "sweep":
            self._print(sweep.sweep(_parse_now(options["now"])))
        elif action == "watch":
            self._watch(options["every"], options["once"])
        elif action == "score":
            now = _parse_now(options["now"])
            if options["month"]:
                self._score_month(_parse_month(options["month"]), now)
            else:
                self._score_quarter(*_parse_quarter(options["quarter"]), now)
        else:
            self._ingest(options["files"], options["skip_invalid"], options["rejects"])

    def _print(self, result: sweep.SweepResult):
        self.stdout.write(
            _("扫描时间 %(now)s，新发现 %(n)d 条。")
            % {"now": timezone.localtime(result.now).isoformat(), "n": result.found}
        )
        for rule, count in result.counts.items():
            self.stdout.write(f"  {Rule(rule).label}（{rule}）：{count}")

    def _score_month(self, month: date, now: datetime):
        count = scores.compute_month(month, now=now)
        name = _("%(year)d年%(month)d月") % {"year": month.year, "month": month.month}
        lowest = (
            DepartmentScore.objects.filter(month=month)
            .select_related("department")
            .order_by("total", "department__code")
            .first()
        )
        if lowest is None:
            self.stdout.write(_("%(name)s：没有需要计分的部门。") % {"name": name})
            return
        self.stdout.write(
            _("%(name)s绩效得分：已计算 %(n)d 个部门，最低 %(total)s 分（%(department)s）。")
            % {"name": name, "n": count, "total": lowest.total, "department": lowest.department}
        )

    def _score_quarter(self, year: int, quarter: int, now: datetime):
        result = scores.compute_quarter(year, quarter, now=now)
        counts = "，".join(f"{Grade(g).label} {n}" for g, n in result.grades.items())
        self.stdout.write(
            _("%(year)d年第%(q)d季度绩效等次：已评定 %(n)d 个部门（%(counts)s）。")
            % {"year": year, "q": quarter, "n": result.graded, "counts": counts}
        )
        for recommendation in result.recommendations:
            self.stdout.write(
                _("  已制发监察建议书 %(number)s（%(department)s）")
                % {
                    "number": recommendation.number,
                    "department": recommendation.grade.department,
                }
            )

    def _watch(self, every: float, once: bool):
        if every <= 0:
            raise CommandError(_("--every 须大于 0 秒。"))
        scored = None
        try:
            while True:
                now = timezone.now()
                self._print(sweep.sweep(now))
                scored = self._keep_scores(now, scored)
                if once:
                    return
                time.sleep(every)
        except KeyboardInterrupt:
            self.stdout.write(_("已停止扫描。"))

    def _keep_scores(self, now: datetime, scored: date | None) -> date:
        """On the first pass of each day, score the month that yesterday belongs to (so the
        table follows the month, and a month that just ended is closed); on the first day of a
        quarter, grade the quarter that ended."""
        today = calendar.as_date(now)
        if scored == today:
            return scored
        yesterday = today - timedelta(days=1)
        self._score_month(scores.month_start(yesterday), now)
        if today.month != yesterday.month and today.month in (1, 4, 7, 10):
            self._score_quarter(yesterday.year, (yesterday.month - 1) // 3 + 1, now)
        return today

    def _progress(self, done: int, total: int):
        """A progress bar on stderr, redrawn in place on a terminal, a line per step else."""
        share = min(1.0, done / total) if total else 1.0
        filled = int(share * PROGRESS_WIDTH)
        bar = "█" * filled + "░" * (PROGRESS_WIDTH - filled)
        text = _("已读取 %(done)s / %(total)s 行（%(pct)d%%）") % {
            "done": f"{done:,}",
            "total": f"{total:,}",
            "pct": int(share * 100),
        }
        if self.stderr.isatty():
            self.stderr.write(f"\r[{bar}] {text}", ending="\n" if share >= 1 else "")
        else:
            self.stderr.write(f"[{bar}] {text}")

    def _ingest(self, paths: list[str], skip_invalid: bool, rejects: str):
        origin = {}  # position → (file, line)
        before, total = {}, 0  # lines of the files before each file, and of all
        for path in paths:
            before[path] = total
            total += _count_lines(path)

        def progress(n: int):
            path, line = origin[n]
            self._progress(before[path] + line, total)

        def numbered():
            for path in paths:
                for row in readers.read_events(path):
                    origin[len(origin) + 1] = (path, row.pop("_line"))
                    yield {**row, "_line": len(origin)}

        name = ",".join(paths)[:300]
        try:
            result = ingest.ingest(
                numbered(),
                actor=None,
                source_name=name,
                skip_invalid=skip_invalid,
                progress=progress,
            )
        except readers.ReadError as exc:
            raise CommandError(str(exc)) from exc
        issues = [(origin[i.line], i) for i in result.rejected]
        for (path, line), issue in issues:
            where = _("%(file)s 第 %(n)d 行") % {"file": path, "n": line}
            self.stderr.write("  ".join(p for p in (where, issue.field, issue.message) if p))
        if rejects and issues:
            with open(rejects, "w", encoding="utf-8") as out:
                for (path, line), issue in issues:
                    record = {
                        "file": path,
                        "line": line,
                        "field": issue.field,
                        "message": issue.message,
                    }
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.stdout.write(
            _("已导入 %(applied)d 条，重复（已导入过）%(replayed)d 条，问题 %(rejected)d 条。")
            % {
                "applied": result.applied,
                "replayed": result.replayed,
                "rejected": len(result.rejected),
            }
        )
        if result.rejected and not skip_invalid:
            raise CommandError(_("文件未导入：发现问题，未写入任何数据。"))


def _count_lines(path: str) -> int:
    """The file's lines, read in blocks (fast even for millions); 0 if it cannot be read (the
    reader then says why)."""
    count, last = 0, b"\n"
    try:
        with open(path, "rb") as file:
            while block := file.read(1 << 20):
                count += block.count(b"\n")
                last = block[-1:]
    except OSError:
        return 0
    return count + (last != b"\n")


def _parse_now(text: str) -> datetime:
    if not text:
        return timezone.now()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None or value.utcoffset() is None:
        raise CommandError(
            _("--now：时间格式不对，应为带时区的 ISO-8601，如 2026-10-09T00:00:00+08:00：%(v)s")
            % {"v": text}
        )
    return value


def _parse_month(text: str) -> date:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise CommandError(
            _("--month：月份格式不对，应为 YYYY-MM，如 2026-10：%(v)s") % {"v": text}
        )
    return date(int(match[1]), int(match[2]), 1)


def _parse_quarter(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})[Qq]([1-4])", text.strip())
    if not match:
        raise CommandError(
            _("--quarter：季度格式不对，应为 YYYYQn，如 2026Q3：%(v)s") % {"v": text}
        )
    return int(match[1]), int(match[2])
