import json
import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.supervision import ingest, readers, sweep
from lianfang.supervision.models import Rule


class Command(BaseCommand):
    help = gettext_lazy(
        "电子监察：ingest FILE... 导入办件事件（JSON Lines 或 CSV；任何一行有误则全部不导入，"
        "--skip-invalid 则导入有效行，问题行写入 --rejects 文件）；sweep 按时限规则扫描一次；"
        "watch 持续扫描。"
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
        watching = sub.add_parser("watch", help=_("持续扫描，直到按 Ctrl-C 停止。"))
        watching.add_argument(
            "--every", type=float, default=60.0, help=_("每隔多少秒扫描一次（默认 60）。")
        )
        watching.add_argument("--once", action="store_true", help=_("只扫描一次后退出。"))

    def handle(self, *args, action, **options):
        if action == "sweep":
            self._print(sweep.sweep(_parse_now(options["now"])))
        elif action == "watch":
            self._watch(options["every"], options["once"])
        else:
            self._ingest(options["files"], options["skip_invalid"], options["rejects"])

    def _print(self, result: sweep.SweepResult):
        self.stdout.write(
            _("扫描时间 %(now)s，新发现 %(n)d 条。")
            % {"now": timezone.localtime(result.now).isoformat(), "n": result.found}
        )
        for rule, count in result.counts.items():
            self.stdout.write(f"  {Rule(rule).label}（{rule}）：{count}")

    def _watch(self, every: float, once: bool):
        if every <= 0:
            raise CommandError(_("--every 须大于 0 秒。"))
        try:
            while True:
                self._print(sweep.sweep(timezone.now()))
                if once:
                    return
                time.sleep(every)
        except KeyboardInterrupt:
            self.stdout.write(_("已停止扫描。"))

    def _ingest(self, paths: list[str], skip_invalid: bool, rejects: str):
        def progress(n: int):
            self.stderr.write(_("已读取 %(n)d 行……") % {"n": n})

        origin = {}  # position → (file, line)

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
