import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.supervision import ingest, readers


class Command(BaseCommand):
    help = gettext_lazy(
        "电子监察：ingest FILE... 导入办件事件（JSON Lines 或 CSV；任何一行有误则全部不导入，"
        "--skip-invalid 则导入有效行，问题行写入 --rejects 文件）。"
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

    def handle(self, *args, action, **options):
        self._ingest(options["files"], options["skip_invalid"], options["rejects"])

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
