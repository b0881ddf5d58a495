from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.core import calendar, calendar_services
from lianfang.core.management.base import Command as BaseCommand


class Command(BaseCommand):
    help = gettext_lazy(
        "工作日历：import FILE 导入 CSV（日期,类型,名称,备注；任何一行有误则整个文件不导入）；"
        "show YEAR 列出该年的节假日和调休上班日（--csv 输出为可导入的 CSV）。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        importing = sub.add_parser("import", help=_("导入 CSV 文件。"))
        importing.add_argument("file")
        importing.add_argument(
            "--user", default="", help=_("以该账号的名义导入（须有维护工作日历的权限）。")
        )
        showing = sub.add_parser("show", help=_("列出一年的节假日和调休上班日。"))
        showing.add_argument("year", type=int)
        showing.add_argument("--csv", action="store_true", help=_("输出为可导入的 CSV。"))

    def handle(self, *args, action, **options):
        if action == "import":
            self._import(options["file"], options["user"])
        else:
            self._show(options["year"], options["csv"])

    def _import(self, path: str, username: str):
        actor = None
        if username:
            actor = get_user_model().objects.filter(username=username).first()
            if actor is None:
                raise CommandError(_("没有账号“%(name)s”。") % {"name": username})
        try:
            with open(path, "rb") as file:
                result = calendar_services.calendar_import(actor=actor, file=file)
        except OSError as exc:
            raise CommandError(_("无法读取文件：%(reason)s") % {"reason": exc}) from exc
        except PermissionDenied as exc:
            raise CommandError(_("该账号没有维护工作日历的权限。")) from exc
        if not result.ok:
            for issue in result.issues:
                where = [
                    _("第 %(n)d 行") % {"n": issue.row} if issue.row else "",
                    f"{issue.column} {issue.header}".strip() if issue.column else "",
                ]
                self.stderr.write("  ".join(w for w in [*where, issue.message] if w))
            if result.more:
                self.stderr.write(_("另有 %(n)d 处问题未列出。") % {"n": result.more})
            raise CommandError(_("文件未导入：发现问题，未写入任何数据。"))
        self.stdout.write(
            _("导入完成：新增 %(created)d 天，改写 %(updated)d 天，%(unchanged)d 天未变。")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        )

    def _show(self, year: int, as_csv: bool):
        if not calendar.MIN_YEAR <= year <= calendar.MAX_YEAR:
            message = _("年份须在 %(lo)d 至 %(hi)d 之间。")
            raise CommandError(message % {"lo": calendar.MIN_YEAR, "hi": calendar.MAX_YEAR})
        if as_csv:
            self.stdout.write(
                calendar_services.calendar_csv(year).removeprefix("\ufeff"), ending=""
            )
            return
        calendar.invalidate()  # a command is a fresh look: no cache from a moment ago
        if not calendar.year_maintained(year):
            self.stdout.write(
                self.style.WARNING(
                    _("%(year)d 年的节假日和调休尚未维护：按周一至周五为工作日计算。")
                    % {"year": year}
                )
            )
        self.stdout.write(
            _("%(year)d 年共 %(n)d 个工作日。")
            % {"year": year, "n": calendar.year_working_days(year)}
        )
        for row in calendar.year_days(year):
            source = _("本地设置") if row.override else _("节假日库")
            self.stdout.write(
                "  ".join(
                    part
                    for part in (
                        row.day.isoformat(),
                        row.kind_label,
                        row.name,
                        f"[{source}]",
                        row.note,
                    )
                    if part
                )
            )
