"""Importing a register from .xlsx: all or nothing.

Every row is read and checked first — cell formats, categories, levels, measures, and the
names of units, departments, posts and people, which resolve only inside the importing user's
data scope. Any problem anywhere refuses the whole file with the list of (row, column, field,
reason), and nothing is written. A clean file is written in one transaction, set-based
(10,000 rows in a few seconds): the same checks `services.risk_create` makes, then bulk
inserts, their history rows, and one audit entry for the import.

Decisions:
- The year is the one chosen for the import; the file's 年度 column, when filled, must be a
  4-digit year but is overridden, so a library exported from one year imports into another.
- Imported risks start the five-step workflow at 自己找 (in progress). The file's level is
  the filer's own assessment: `level` is set and `assessed_on` is today, and no Grading is
  recorded, because a Grading stores a method and its inputs and the form carries neither;
  the organisation grades the risk properly during 组织点/集体定. A blank level imports an
  ungraded risk (a level other than 1–3 is refused), so a library still under review
  round-trips whole; becoming effective still needs a level (`services.effectiveness_errors`).
- Each measure's owner is the row's 直接责任人; its type comes from a leading 【…】 tag.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core import audit
from lianfang.core.scopes import scoped
from lianfang.org.models import Department, Person, Post, Unit

from .. import rules
from ..models import Measure, MeasureStatus, Register, RiskPoint, Status, Step
from . import bulk
from .columns import (
    COLUMNS,
    EXAMPLE_MARK,
    CellError,
    Column,
    letter,
    parse_category,
    parse_level,
    parse_measures,
    parse_name,
    parse_year,
)
from .names import resolve
from .reading import ImportRefused, Issue, is_formula, open_sheet, open_workbook, text_of

MAX_ISSUES = 200


class Issues(list):
    """The issues found so far; past MAX_ISSUES only the count goes on."""

    more = 0

    def add(self, row, index: int | None, column: Column | None, message: str, field_=""):
        if len(self) >= MAX_ISSUES:
            self.more += 1
            return
        col = letter(index) if index is not None else None
        header = str(column.header) if column is not None else ""
        self.append(Issue(row, col, header, field_ or (column.key if column else ""), message))


@dataclass
class Draft:
    row: int
    values: dict = field(default_factory=dict)
    unit: Unit | None = None
    department: Department | None = None
    post: Post | None = None
    person: Person | None = None
    responsible: Person | None = None


def _max_length(name: str) -> int | None:
    return RiskPoint._meta.get_field(name).max_length


def _text(value, column: Column) -> str:
    text = text_of(value)
    if column.required and not text:
        raise CellError(_("请填写%(h)s。") % {"h": column.header})
    limit = _max_length(column.key) if column.key in ("title", "duty_link") else None
    if limit and len(text) > limit:
        raise CellError(_("%(h)s不能超过 %(n)d 个字。") % {"h": column.header, "n": limit})
    return text


def _present(value, column: Column):
    if column.required and not text_of(value):
        raise CellError(_("请填写%(h)s。") % {"h": column.header})
    return value


# key → parse(value, column, register); each raises CellError with the reason.
PARSERS = {
    "unit": lambda v, c, r: _text(v, c),
    "department": lambda v, c, r: _text(v, c),
    "post": lambda v, c, r: _text(v, c),
    "person": lambda v, c, r: parse_name(_text(v, c)),
    "responsible_person": lambda v, c, r: parse_name(_text(v, c)),
    "duty_link": lambda v, c, r: _text(v, c),
    "title": lambda v, c, r: _text(v, c),
    "manifestation": lambda v, c, r: _text(v, c),
    "category": lambda v, c, r: parse_category(_present(v, c), r),
    "level": lambda v, c, r: parse_level(_present(v, c)),
    "measures": lambda v, c, r: parse_measures(_present(v, c)),
    "year": lambda v, c, r: parse_year(v),
}


def read_rows(sheet, columns: tuple[Column, ...], register: str, issues: Issues, max_rows: int):
    """Parse every data row into a Draft; cell problems go to `issues`."""
    marks = {str(EXAMPLE_MARK), "示例"}
    drafts = []
    for number, cells in sheet.rows:
        if text_of(cells[0].value) in marks:
            continue
        if len(drafts) >= max_rows:
            issues.add(
                number,
                None,
                None,
                _("数据超过 %(n)d 行的上限，请分成几个文件导入。") % {"n": max_rows},
                "file",
            )
            break
        draft = Draft(number)
        for index, column in enumerate(columns):
            cell = cells[index] if index < len(cells) else None
            if cell is not None and is_formula(cell):
                issues.add(number, index, column, _("不接受公式，请直接填写内容。"))
                continue
            if not column.imported:
                continue
            try:
                value = cell.value if cell is not None else None
                draft.values[column.key] = PARSERS[column.key](value, column, register)
            except CellError as exc:
                issues.add(number, index, column, str(exc))
        drafts.append(draft)
    return drafts


def _build(drafts: list[Draft], register: str, year: int, columns, issues: Issues):
    """Unsaved risks and measures, validated field by field as `full_clean` would (the
    foreign keys are already resolved from the database and the check constraints hold by
    construction, so those per-row queries are skipped)."""
    today = timezone.localdate()
    index = {c.key: i for i, c in enumerate(columns)}
    by_key = {c.key: c for c in columns}
    risks, measures = [], []
    for d in drafts:
        v = d.values
        risk = RiskPoint(
            register=register,
            year=year,
            unit=d.unit,
            department=d.department,
            post=d.post,
            person=d.person,
            category=v["category"],
            title=v["title"],
            manifestation=v["manifestation"],
            duty_link=v.get("duty_link", ""),
            level=v["level"],
            responsible_person=d.responsible,
            step=Step.SELF,
            status=Status.IN_PROGRESS,
            assessed_on=today if v["level"] else None,
        )
        try:
            risk.clean_fields(
                exclude=["unit", "department", "post", "person", "responsible_person"]
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    issues.add(d.row, index.get(name), by_key.get(name), message, name)
            continue
        # Measures need no model instance: parse_measures gave each a known type and a
        # non-empty content, and the owner is the row's resolved 直接责任人.
        risks.append(risk)
        measures.append(v["measures"])
    return risks, measures


def _check_scope(user, risks: list[RiskPoint], drafts: list[Draft], issues: Issues) -> None:
    """Every created risk must be one the importer can see (the one scope rule, in SQL)."""
    ids = [r.pk for r in risks]
    visible = set(
        scoped(RiskPoint.objects.filter(pk__gte=min(ids), pk__lte=max(ids)), user).values_list(
            "pk", flat=True
        )
    )
    for risk, draft in zip(risks, drafts, strict=True):
        if risk.pk not in visible:
            issues.add(
                draft.row,
                None,
                None,
                _("该行登记的风险超出您的数据权限范围（只能导入本人或所辖范围的登记表）。"),
                "scope",
            )


def issue_order(issue: Issue):
    """File-wide problems first, then by row and column as the sheet reads."""
    column = issue.column or ""
    return (issue.row or 0, len(column), column)


def _refuse(issues: Issues) -> ImportRefused:
    return ImportRefused(sorted(issues, key=issue_order), issues.more)


def register_import(*, actor, register: str, year: int, file, filename: str = "") -> int:
    """Import one register file into `year`; return the number of risks created, or raise
    ImportRefused with every problem found (and nothing written). Who may file a risk may
    import (`rules.can_create`, as `services.risk_create` requires)."""
    if not rules.can_create(actor):
        raise PermissionDenied
    columns = COLUMNS[register]
    if not 1900 <= int(year) <= 2999:
        raise ImportRefused(
            [Issue(None, None, "", "year", _("导入年度须为四位数字年份（如 2026）。"))]
        )
    workbook = open_workbook(file)
    issues = Issues()
    try:
        sheet = open_sheet(workbook, columns)
        drafts = read_rows(sheet, columns, register, issues, settings.IMPORT_MAX_ROWS)
    finally:
        workbook.close()
    if not drafts and not issues:
        raise ImportRefused([Issue(None, None, "", "file", _("文件中没有可导入的数据行。"))])
    resolve(drafts, actor, register, columns, issues)
    if issues:
        raise _refuse(issues)
    risks, measures = _build(drafts, register, year, columns, issues)
    if issues:
        raise _refuse(issues)
    return _create(actor, register, year, filename, risks, measures, drafts, issues)


@transaction.atomic
def _create(actor, register, year, filename, risks, measures, drafts, issues) -> int:
    """Risks through `bulk_create` (their keys are needed); their measures and the history
    rows of both through `bulk.insert_rows` (django-simple-history's `bulk_history_create`
    builds a model instance per row and took longer than everything else together)."""
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    user_id = user.pk if user else None
    RiskPoint.objects.bulk_create(risks)
    _check_scope(actor, risks, drafts, issues)
    if issues:
        raise _refuse(issues)  # rolls the transaction back
    tracked = [f.attname for f in RiskPoint.history.model.tracked_fields]
    bulk.insert_rows(
        RiskPoint.history.model,
        bulk.history_rows(
            RiskPoint,
            ({name: getattr(risk, name) for name in tracked} for risk in risks),
            user_id=user_id,
            date=now,
        ),
    )
    count = bulk.insert_rows(
        Measure,
        (
            {
                "risk_id": risk.pk,
                "type": kind,
                "content": content,
                "owner_id": risk.responsible_person_id,
                "due_date": None,
                "status": MeasureStatus.PLANNED.value,
                "evidence": "",
                "created_at": now,
            }
            for risk, items in zip(risks, measures, strict=True)
            for kind, content in items
        ),
    )
    # The measures' keys come back with one read of what was just written.
    ids = {risk.pk for risk in risks}
    tracked = [f.attname for f in Measure.history.model.tracked_fields]
    created = Measure.objects.filter(risk_id__gte=min(ids), risk_id__lte=max(ids))
    bulk.insert_rows(
        Measure.history.model,
        bulk.history_rows(
            Measure,
            (m for m in created.values(*tracked).iterator() if m["risk_id"] in ids),
            user_id=user_id,
            date=now,
        ),
    )
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="risks.riskpoint",
        object_repr=_("导入%(register)s（%(year)d年度）")
        % {"register": Register(register).label, "year": year},
        after={
            "register": register,
            "year": year,
            "risks": len(risks),
            "measures": count,
            "file": filename[:200],
        },
    )
    return len(risks)
