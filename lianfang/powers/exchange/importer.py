"""Importing the power list from .xlsx: all or nothing.

The file is read safely by the risk registers' reader (a real .xlsx, no macros, no formulas,
no merged cells, the header where the template puts it, within the size and row limits). Each
row is parsed (category, time limits, amounts, lines of legal bases and responsibility items),
its names resolved inside the importer's data scope (unit by name or short name, department
in that unit, posts in that department, parent code in the file or in the database), and then
every row goes through `services.power_item_create` — or `power_item_update` when its code is
already in the system, so an exported list can be edited and imported back — inside one
transaction. All problems are collected as (row, column, reason), the service's own
ValidationErrors mapped back to the column of the field they name; if there is any, the
transaction is rolled back and nothing is written, not even an audit entry.

Order: main items before their sub-items, and items in force before cancelled ones, so a list
holding both an item and a cancelled item with the same basis (a state the rules allow) comes
back whole; the anti-rebound rule still holds against cancelled items already in the system.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lianfang.core.scopes import scoped
from lianfang.core.text import join_list
from lianfang.org.models import Post
from lianfang.risks.registers.columns import EXAMPLE_MARK, CellError, parse_year
from lianfang.risks.registers.importer import Issues, issue_order
from lianfang.risks.registers.names import Names
from lianfang.risks.registers.reading import (
    ImportRefused,
    Issue,
    is_formula,
    open_sheet,
    open_workbook,
    text_of,
)

from .. import selectors, services, texts
from ..models import Decision, PowerItem
from . import columns as cols
from .columns import BY_KEY, COLUMNS, INDEX

MANAGE = "powers.manage"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    issues: list[Issue] = field(default_factory=list)
    more: int = 0  # problems past the listed ones

    @property
    def ok(self) -> bool:
        return not self.issues


@dataclass
class Draft:
    row: int
    values: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)  # what the service gets
    existing: PowerItem | None = None
    depth: int = 0


class _Refused(Exception):
    """Leaves the transaction, rolling back every row written so far."""


def _text(value, column) -> str:
    text = text_of(value)
    if column.required and not text:
        raise CellError(_("请填写%(h)s。") % {"h": column.header})
    return text


def _parsers(labels: dict[str, str]) -> dict:
    """key → parse(cell value, column); each raises CellError with the reason."""
    names = cols.category_names(labels)
    return {
        "code": lambda v, c: _text(cols.parse_code(v, c.header), c),
        "parent": lambda v, c: cols.parse_code(v, c.header),
        "category": lambda v, c: cols.parse_category(_text(v, c), names, labels),
        "posts": lambda v, c: cols.parse_posts(v),
        "basis_set": lambda v, c: cols.parse_lines(v, texts.parse_bases),
        "basis_implement": lambda v, c: cols.parse_lines(v, texts.parse_bases),
        "responsibilities": lambda v, c: cols.parse_lines(v, texts.parse_responsibilities),
        "legal_limit": lambda v, c: cols.parse_days(v, c.header),
        "promised_limit": lambda v, c: cols.parse_days(v, c.header),
        "fee_amount": lambda v, c: cols.parse_amount(v, c.header),
        "decision": lambda v, c: cols.parse_choice(v, Decision, Decision.KEEP, c.header),
        "decision_year": lambda v, c: parse_year(_text(v, c)),
        "published": lambda v, c: cols.parse_yes_no(v, c.header),
    }


def _read(sheet, issues: Issues, parsers: dict) -> list[Draft]:
    """Every data row parsed (the template's example row skipped); cell problems to `issues`."""
    marks = {str(EXAMPLE_MARK), "示例"}
    drafts = []
    for number, cells in sheet.rows:
        if text_of(cells[0].value) in marks:
            continue
        if len(drafts) >= settings.IMPORT_MAX_ROWS:
            message = _("数据超过 %(n)d 行的上限，请分成几个文件导入。")
            issues.add(number, None, None, message % {"n": settings.IMPORT_MAX_ROWS}, "file")
            break
        values = {}
        for index, (column, cell) in enumerate(zip(COLUMNS, _padded(cells), strict=True)):
            if cell is not None and is_formula(cell):
                issues.add(number, index, column, _("不接受公式，请直接填写内容。"))
                continue
            try:
                values[column.key] = parsers.get(column.key, _text)(
                    cell.value if cell is not None else None, column
                )
            except CellError as exc:
                issues.add(number, index, column, str(exc))
        drafts.append(Draft(number, values))
    return drafts


def _padded(cells) -> list:
    """A row's cells, one per column (a short row is padded, cells past the last column cut)."""
    return [*cells[: len(COLUMNS)], *[None] * (len(COLUMNS) - len(cells))]


def _fail(issues: Issues, draft: Draft, key: str | None, message: str) -> None:
    column = BY_KEY.get(key) if key else None
    issues.add(draft.row, INDEX.get(key) if key else None, column, message, key or "")


def _check_codes(drafts: list[Draft], issues: Issues) -> dict[str, Draft]:
    """Each code once in the file; a sub-item not its own parent."""
    by_code = {}
    for d in drafts:
        code = d.values.get("code")
        if not code:
            continue
        if code in by_code:
            message = _("事项编码“%(code)s”与第 %(row)d 行重复。")
            _fail(issues, d, "code", message % {"code": code, "row": by_code[code].row})
        else:
            by_code[code] = d
        if d.values.get("parent") == code:
            _fail(issues, d, "parent", _("所属事项编码不能是本事项自己的编码。"))
    return by_code


def _resolve_places(actor, drafts: list[Draft], issues: Issues) -> None:
    """实施主体, 承办机构 and 承办岗位 → objects inside the actor's scope."""
    names = Names(actor, drafts)
    for d in drafts:
        v = d.values
        if v.get("unit"):
            unit, error = names.unit(v["unit"])
            d.data["unit"] = unit
            if error:
                _fail(issues, d, "unit", error)
        unit = d.data.get("unit")
        if unit and v.get("department"):
            d.data["department"] = names.departments.get((unit.pk, v["department"]))
            if d.data["department"] is None:
                message = _(
                    "承办机构“%(d)s”不是实施主体“%(u)s”的内设机构，或不在您的数据权限范围内。"
                )
                _fail(issues, d, "department", message % {"d": v["department"], "u": v["unit"]})
    departments = {d.data["department"].pk for d in drafts if d.data.get("department")}
    wanted = {name for d in drafts for name in d.values.get("posts") or ()}
    found = scoped(Post.objects.filter(is_active=True), actor).filter(
        department__in=departments, name__in=wanted
    )
    posts = {(p.department_id, p.name): p for p in found}
    for d in drafts:
        department = d.data.get("department")
        if department is None:
            continue
        d.data["posts"] = [posts.get((department.pk, n)) for n in d.values.get("posts") or ()]
        missing = [n for n, p in zip(d.values["posts"], d.data["posts"], strict=True) if not p]
        if missing:
            message = _("承办岗位“%(p)s”不在承办机构“%(d)s”中，或不在您的数据权限范围内。")
            _fail(issues, d, "posts", message % {"p": join_list(missing), "d": department.name})


def _resolve_items(actor, drafts, by_code: dict[str, Draft], issues: Issues) -> None:
    """Which rows update an item already in the system, which parents are already in the
    system, and how deep each row hangs (parents are written first)."""
    codes = set(by_code) | {d.values["parent"] for d in drafts if d.values.get("parent")}
    known = {i.code: i for i in PowerItem.objects.filter(code__in=codes)}
    visible = set(
        scoped(PowerItem.objects.filter(code__in=codes), actor).values_list("pk", flat=True)
    )
    for d in drafts:
        d.existing = known.get(d.values["code"])
        if d.existing is not None and d.existing.pk not in visible:
            _fail(issues, d, "code", _("事项编码已被其他单位的事项使用。"))
        parent = d.values.get("parent")
        if not parent or parent in by_code:
            continue
        item = known.get(parent)
        if item is None or item.pk not in visible:
            message = _("所属事项编码“%(code)s”在本文件和系统中都没有，或不在您的数据权限范围内。")
            _fail(issues, d, "parent", message % {"code": parent})
        d.data["parent"] = item
    for d in drafts:
        seen = {d.values["code"]}
        above = by_code.get(d.values.get("parent") or "")
        while above is not None:
            if above.values["code"] in seen:
                _fail(issues, d, "parent", _("所属事项编码形成了循环引用。"))
                break
            seen.add(above.values["code"])
            d.depth += 1
            above = by_code.get(above.values.get("parent") or "")


def _service_issues(issues: Issues, draft: Draft, exc: ValidationError) -> None:
    """The service's ValidationError on the column of each field it names."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    for name, messages in errors.items():
        for message in messages:
            _fail(issues, draft, name if name in BY_KEY else None, message)


_PLAIN = [c.key for c in COLUMNS if c.key not in ("unit", "department", "posts", "parent")]


def _write(actor, drafts: list[Draft], by_code: dict[str, Draft], issues: Issues) -> tuple:
    """Every row through the services, parents first; a row whose parent row failed is not
    tried. Raises _Refused (rolling everything back) when any row fails."""
    created = updated = 0
    saved: dict[str, PowerItem] = {}
    cancelled = Decision.CANCEL.value
    for d in sorted(drafts, key=lambda d: (d.depth, d.values["decision"] == cancelled, d.row)):
        data = {key: d.values[key] for key in _PLAIN}
        data |= {key: d.data[key] for key in ("unit", "department", "posts")}
        data["parent"] = d.data.get("parent")
        parent_row = by_code.get(d.values.get("parent") or "")
        if parent_row is not None:
            data["parent"] = saved.get(parent_row.values["code"])
            if data["parent"] is None:
                message = _("所属事项（第 %(row)d 行）有误，请先改正该行。")
                _fail(issues, d, "parent", message % {"row": parent_row.row})
                continue
        try:
            if d.existing is not None:
                item = services.power_item_update(actor=actor, item=d.existing, data=data)
                updated += 1
            else:
                item = services.power_item_create(actor=actor, data=data)
                created += 1
        except ValidationError as exc:
            _service_issues(issues, d, exc)
            continue
        except PermissionDenied:
            _fail(issues, d, None, _("该行超出您的数据权限范围，不能导入。"))
            continue
        saved[item.code] = item
    if issues:
        raise _Refused
    return created, updated


def power_list_import(*, actor, file) -> ImportResult:
    """Import the power list from the uploaded .xlsx `file`: every row created or updated, or
    nothing at all and the list of problems. Needs the power-list permission."""
    if not actor.has_permission(MANAGE):
        raise PermissionDenied(MANAGE)
    issues = Issues()
    try:
        workbook = open_workbook(file)
        try:
            sheet = open_sheet(workbook, COLUMNS)
            drafts = _read(sheet, issues, _parsers(selectors.category_labels()))
        finally:
            workbook.close()
    except ImportRefused as refused:
        return ImportResult(issues=refused.issues, more=refused.more)
    if not drafts and not issues:
        message = _("文件中没有可导入的数据行。")
        return ImportResult(issues=[Issue(None, None, "", "file", message)])
    if issues:
        return _refused(issues)
    by_code = _check_codes(drafts, issues)
    _resolve_places(actor, drafts, issues)
    _resolve_items(actor, drafts, by_code, issues)
    if issues:
        return _refused(issues)
    try:
        with transaction.atomic():
            created, updated = _write(actor, drafts, by_code, issues)
    except _Refused:
        return _refused(issues)
    return ImportResult(created=created, updated=updated)


def _refused(issues: Issues) -> ImportResult:
    return ImportResult(issues=sorted(issues, key=issue_order), more=issues.more)
