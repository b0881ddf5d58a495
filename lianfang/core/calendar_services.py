"""Writes to the working-day calendar: one day's override, its removal, and a CSV import.

Each write goes through `core.services` (validated, audited) and then `calendar.invalidate()`.
`actor` is the signed-in user, who must hold `calendar.manage`, or None for the command line
(`lianfang calendar import`), recorded in the audit trail as "system".

The CSV file (the template and the year export have the same shape): UTF-8 with or without a
byte-order mark, a header row `日期,类型,名称,备注`, then one row per date: 日期 as 2027-01-01
(2027/1/1 and 2027年1月1日 are read too), 类型 工作日 or 休息日 (workday / holiday), 名称 and 备注
optional. Blank rows are skipped. Each row is upserted by its date. All or nothing: every
problem is collected as (line, column, reason) and, if there is any, nothing is written, not
even an audit entry.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import calendar
from . import services as core
from .models import CalendarDay, DayKind

MANAGE = "calendar.manage"
HEADERS = ("日期", "类型", "名称", "备注")
FIELDS = ("day", "kind", "name", "note")  # the model field behind each column
ENGLISH_HEADERS = ("date", "kind", "name", "note")
KIND_WORDS = {
    "工作日": DayKind.WORKDAY,
    "休息日": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY,
    "holiday": DayKind.HOLIDAY,
}
FILE_WORDS = {DayKind.WORKDAY: "工作日", DayKind.HOLIDAY: "休息日"}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_ISSUES = 200


def _require(actor) -> None:
    if actor is not None and not actor.has_permission(MANAGE):
        raise PermissionDenied(MANAGE)


def _check_year(day: date, field_name: str = "day") -> None:
    if not calendar.MIN_YEAR <= day.year <= calendar.MAX_YEAR:
        message = _("日期须在 %(lo)d 年至 %(hi)d 年之间。")
        raise ValidationError(
            {field_name: message % {"lo": calendar.MIN_YEAR, "hi": calendar.MAX_YEAR}}
        )


def _upsert(*, actor, day: date, kind: str, name: str, note: str, existing) -> tuple:
    """(day, "created" | "updated" | "unchanged")."""
    values = {"kind": kind, "name": name, "note": note}
    if existing is None:
        obj = core.create(actor=actor, instance=CalendarDay(), data={"day": day, **values})
        return obj, "created"
    if all(getattr(existing, k) == v for k, v in values.items()):
        return existing, "unchanged"
    # `core.update` saves only the fields it is given: the timestamp goes along explicitly.
    values["updated_at"] = timezone.now()
    return core.update(actor=actor, instance=existing, data=values), "updated"


@transaction.atomic
def calendar_day_set(*, actor, day: date, kind: str, name: str = "", note: str = "") -> CalendarDay:
    """Make `day` a working day or a holiday whatever the library says (upsert by date)."""
    _require(actor)
    _check_year(day)
    existing = CalendarDay.objects.select_for_update().filter(day=day).first()
    obj, _outcome = _upsert(
        actor=actor, day=day, kind=kind, name=name.strip(), note=note.strip(), existing=existing
    )
    calendar.invalidate()
    return obj


@transaction.atomic
def calendar_day_delete(*, actor, day: date) -> bool:
    """Remove the override of `day` (the library or the weekday rule applies again)."""
    _require(actor)
    existing = CalendarDay.objects.select_for_update().filter(day=day).first()
    if existing is None:
        return False
    core.delete(actor=actor, instance=existing)
    calendar.invalidate()
    return True


# --- the CSV import


@dataclass(frozen=True)
class Issue:
    row: int | None  # the file's line, as Excel or a text editor numbers it; None: the file
    column: str | None  # the spreadsheet letter
    header: str
    message: str


class Issues(list):
    more = 0

    def add(self, row: int | None, index: int | None, message: str) -> None:
        if len(self) >= MAX_ISSUES:
            self.more += 1
            return
        column = chr(ord("A") + index) if index is not None else None
        header = HEADERS[index] if index is not None and index < len(HEADERS) else ""
        self.append(Issue(row, column, header, message))


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    years: list[int] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    more: int = 0

    @property
    def ok(self) -> bool:
        return not self.issues


@dataclass
class _Row:
    line: int
    day: date
    kind: str
    name: str
    note: str


class _Refused(Exception):
    """Leaves the transaction, rolling back every row written so far."""


def _text(data) -> str | None:
    """The file as text, or None (with the reason in `issues`) when it is not UTF-8 text."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if b"\x00" in data:
        return None
    return data.decode("utf-8-sig")


def _parse_date(value: str) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _unquote(value: str) -> str:
    """An export's neutralised text ('=…) back to the text itself."""
    if value.startswith("'") and value[1:].startswith(DANGEROUS_PREFIXES):
        return value[1:]
    return value


def _row(line: int, cells: list[str], issues: Issues) -> _Row | None:
    found = len(issues) + issues.more
    for index in range(len(HEADERS), len(cells)):
        if cells[index]:
            issues.add(line, index, _("多余的列，请删除。"))
    raw_day, raw_kind, name, note = [*cells, "", "", "", ""][:4]
    day = kind = None
    if not raw_day:
        issues.add(line, 0, _("请填写日期。"))
    else:
        try:
            day = _parse_date(raw_day)
            _check_year(day)
        except ValueError:
            message = _("日期“%(value)s”无法识别，请写成 2027-01-01 的形式。")
            issues.add(line, 0, message % {"value": raw_day})
        except ValidationError as exc:
            issues.add(line, 0, exc.message_dict["day"][0])
    if not raw_kind:
        issues.add(line, 1, _("请填写类型。"))
    elif (kind := KIND_WORDS.get(raw_kind.lower())) is None:
        message = _("类型“%(value)s”无法识别，请填写“工作日”或“休息日”。")
        issues.add(line, 1, message % {"value": raw_kind})
    name, note = _unquote(name), _unquote(note)
    for index, value, limit in ((2, name, 50), (3, note, 200)):
        if len(value) > limit:
            issues.add(line, index, _("不能超过 %(n)d 个字。") % {"n": limit})
    if len(issues) + issues.more > found:
        return None
    return _Row(line, day, kind, name, note)


def _read(text: str, issues: Issues) -> list[_Row]:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, seen = [], {}
    header_seen = False
    try:
        for cells in reader:
            cells = [c.strip() for c in cells]
            if not any(cells):
                continue
            line = reader.line_num
            if not header_seen:
                header_seen = True
                while cells and not cells[-1]:
                    cells.pop()
                if tuple(cells) != HEADERS and tuple(c.lower() for c in cells) != ENGLISH_HEADERS:
                    message = _("表头应为“%(headers)s”，请使用模板。")
                    issues.add(line, None, message % {"headers": ",".join(HEADERS)})
                    return []
                continue
            if len(rows) >= settings.IMPORT_MAX_ROWS:
                message = _("数据超过 %(n)d 行的上限，请分成几个文件导入。")
                issues.add(line, None, message % {"n": settings.IMPORT_MAX_ROWS})
                break
            row = _row(line, cells, issues)
            if row is None:
                continue
            if row.day in seen:
                message = _("日期 %(day)s 与第 %(line)d 行重复。")
                issues.add(line, 0, message % {"day": row.day.isoformat(), "line": seen[row.day]})
                continue
            seen[row.day] = line
            rows.append(row)
    except csv.Error as exc:
        issues.add(reader.line_num or None, None, _("CSV 格式有误：%(reason)s") % {"reason": exc})
    if not header_seen:
        issues.add(None, None, _("文件是空的，请按模板填写。"))
    return rows


def _load(file, issues: Issues) -> str | None:
    data = file.read(settings.IMPORT_MAX_BYTES + 1)
    if len(data) > settings.IMPORT_MAX_BYTES:
        message = _("文件超过 %(mb)d MB，未导入。")
        issues.add(None, None, message % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)})
        return None
    try:
        text = _text(data)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = _("第 %(line)d 行起不是 UTF-8 编码的文字，请在 Excel 中另存为“CSV UTF-8”。")
        issues.add(line, None, message % {"line": line})
        return None
    if text is None:
        issues.add(None, None, _("文件不是 CSV 文本文件，请按模板填写后另存为 CSV。"))
    return text


def calendar_import(*, actor, file) -> ImportResult:
    """Upsert every row of the CSV `file` (a binary file object), or nothing."""
    _require(actor)
    issues = Issues()
    text = _load(file, issues)
    rows = _read(text, issues) if text is not None else []
    result = ImportResult()
    if not issues:
        try:
            _write(actor, rows, issues, result)
        except _Refused:
            result = ImportResult()
    result.issues, result.more = list(issues), issues.more
    return result


@transaction.atomic
def _write(actor, rows: list[_Row], issues: Issues, result: ImportResult) -> None:
    existing = {
        o.day: o
        for o in CalendarDay.objects.select_for_update().filter(day__in=[r.day for r in rows])
    }
    for row in rows:
        try:
            _obj, outcome = _upsert(
                actor=actor,
                day=row.day,
                kind=row.kind,
                name=row.name,
                note=row.note,
                existing=existing.get(row.day),
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                index = FIELDS.index(name) if name in FIELDS else None
                issues.add(row.line, index, " ".join(messages))
            continue
        setattr(result, outcome, getattr(result, outcome) + 1)
    if issues:
        raise _Refused
    result.years = sorted({r.day.year for r in rows})
    calendar.invalidate()


# --- the file's shape, for the template and the year export


def _neutral(value: str) -> str:
    return f"'{value}" if value.startswith(DANGEROUS_PREFIXES) else value


def calendar_csv(year: int | None = None) -> str:
    """The CSV template (no `year`) or the year's holidays and make-up working days in the
    import's shape, with a byte-order mark so that Excel reads it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    if year is not None:
        for row in calendar.year_days(year):
            writer.writerow(
                [row.day.isoformat(), FILE_WORDS[row.kind], _neutral(row.name), _neutral(row.note)]
            )
    return "\ufeff" + out.getvalue()
