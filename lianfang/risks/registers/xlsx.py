"""The registers as .xlsx: the export and the import template.

openpyxl's write-only workbook streams each row to a temporary XML part as it is appended, so
memory stays flat however many rows there are; `write_register` writes into any binary file
object (the caller streams a temporary file back in chunks).

Layout, shared with the importer: row 1 is the title (merged across the columns), row 2 the
header, data from row 3; the header row is frozen and repeats on every printed page.

Formula-like text (starting with = + - @, a tab or a carriage return) is neutralised the way
Excel itself stores text typed after an apostrophe: the cell is a string cell and carries the
style flag `quotePrefix`. Excel and LibreOffice show the text as typed and never evaluate it,
even after the cell is edited, and the text itself is unchanged, so an export imports back
exactly (the importer refuses real formula cells, which it tells apart by cell type).
"""

from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from lianfang.core.text import join_list

from ..models import REGISTER_CATEGORIES, Level, MeasureType, Register
from .columns import (
    COLUMNS,
    EXAMPLE_MARK,
    EXAMPLES,
    Column,
    category_text,
    letter,
    level_text,
    measures_text,
)

FONT = "宋体"
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TITLE_ROW, HEADER_ROW = 1, 2

_thin = Side(style="thin", color="808080")
_border = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_header_fill = PatternFill("solid", fgColor="D9D9D9")


def is_dangerous(value) -> bool:
    return isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES)


class _Styles:
    """One prototype cell per kind; data cells copy its style array (cheap) instead of
    assigning fonts and borders one by one (slow over a million cells)."""

    def __init__(self, ws):
        self.ws = ws
        self.title = self._make(Font(name=FONT, size=16, bold=True), Alignment(horizontal="center"))
        self.header = self._make(
            Font(name=FONT, size=11, bold=True),
            Alignment(horizontal="center", vertical="center", wrap_text=True),
            fill=_header_fill,
            border=_border,
        )
        body = Alignment(vertical="top", wrap_text=True)
        self.body = self._make(Font(name=FONT, size=10), body, border=_border)
        self.centred = self._make(
            Font(name=FONT, size=10), Alignment(horizontal="center", vertical="top"), border=_border
        )
        self.example = self._make(
            Font(name=FONT, size=10, italic=True, color="808080"), body, border=_border
        )

    def _make(self, font, alignment, fill=None, border=None):
        cell = WriteOnlyCell(self.ws)
        cell.font, cell.alignment = font, alignment
        if fill is not None:
            cell.fill = fill
        if border is not None:
            cell.border = border
        return cell

    def cell(self, value, proto):
        cell = WriteOnlyCell(self.ws)
        cell._style = proto._style.__copy__()
        if is_dangerous(value):
            cell.value = value
            cell.data_type = "s"  # never a formula …
            cell.quotePrefix = True  # … not even after the user edits it
        else:
            cell.value = value
        return cell


_CENTRED = {"seq", "level", "year", "person", "responsible_person", "department_head", "leader"}


def _sheet(wb: Workbook, register: str, title: str) -> tuple[Worksheet, _Styles]:
    columns = COLUMNS[register]
    ws = wb.create_sheet(title=str(Register(register).label)[:31])
    for index, column in enumerate(columns):
        ws.column_dimensions[letter(index)].width = column.width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    last = letter(len(columns) - 1)
    ws.merged_cells.add(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    styles = _Styles(ws)
    ws.append([styles.cell(title, styles.title)])
    ws.append([styles.cell(str(c.header), styles.header) for c in columns])
    return ws, styles


def _values(row: dict, columns: tuple[Column, ...]) -> list:
    return [row.get(c.key) if row.get(c.key) is not None else "" for c in columns]


def write_register(out, *, register: str, title: str, rows: Iterable[dict]) -> int:
    """Write the register to the binary file `out`; return how many rows were written."""
    columns = COLUMNS[register]
    wb = Workbook(write_only=True)
    ws, styles = _sheet(wb, register, title)
    protos = [styles.centred if c.key in _CENTRED else styles.body for c in columns]
    count = 0
    for row in rows:
        values = _values(row, columns)
        ws.append([styles.cell(v, p) for v, p in zip(values, protos, strict=True)])
        count += 1
    wb.save(out)
    return count


def write_template(out, *, register: str, title: str) -> None:
    """The header row, one example row in grey italics (序号 “示例”, skipped on import) and a
    second sheet “填写说明” with the register's categories, the levels and the rules."""
    columns = COLUMNS[register]
    wb = Workbook(write_only=True)
    ws, styles = _sheet(wb, register, title)
    example = dict(EXAMPLES[register])
    example["seq"] = str(EXAMPLE_MARK)
    example["category"] = category_text(example["category"])
    example["level"] = level_text(example["level"])
    example["measures"] = measures_text(example["measures"])
    example = {k: str(v) for k, v in example.items()}
    ws.append([styles.cell(v, styles.example) for v in _values(example, columns)])
    _instructions(wb, register)
    wb.save(out)


def _instructions(wb: Workbook, register: str) -> None:
    sheet = wb.create_sheet(title=_("填写说明"))
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 90

    def heading(text):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(name=FONT, bold=True, size=12)
        sheet.append([cell])

    heading(_("风险类别（本表可选）"))
    for category in REGISTER_CATEGORIES[register]:
        sheet.append([str(category.label), category.value])
    sheet.append([])
    heading(_("风险等级"))
    for level, words in (
        (Level.ONE, _("1、一级、高")),
        (Level.TWO, _("2、二级、中")),
        (Level.THREE, _("3、三级、低")),
    ):
        sheet.append([str(level.label), _("可填写：%(w)s") % {"w": words}])
    sheet.append([])
    heading(_("措施类型标签（写在每条措施开头，可省略）"))
    for kind in MeasureType:
        if kind != MeasureType.OTHER:
            sheet.append([f"【{kind.label}】", str(kind.label)])
    sheet.append([str(MeasureType.OTHER.label), _("不写标签即为“其他”")])
    sheet.append([])
    heading(_("填写规则"))
    required = join_list(c.header for c in COLUMNS[register] if c.required)
    rules = [
        _("第1行为标题，第2行为表头，请勿修改、删除或合并表头单元格；数据从第3行起填写。"),
        _("必填列：%(c)s。") % {"c": required},
        _("防控措施每行一条，可带“1.”等编号；每条措施的责任人即本行的直接责任人。"),
        _(
            "单位、科室、岗位、姓名和直接责任人须与系统中的名称一致；同名人员请写成“张三（人员编号）”。"
        ),
        _("序号、岗位职责、部门责任人、责任领导由系统生成，导入时不读取。"),
        _("风险等级可留空，留空的风险点导入后待评定等级。"),
        _("年度列可留空；导入时以所选的导入年度为准，填写时须为四位数字年份。"),
        _("序号为“示例”的行是填写示例，导入时跳过，可直接删除。"),
        _("不接受公式和合并单元格；任何一行有误，整个文件都不会导入。"),
    ]
    for number, rule in enumerate(rules, 1):
        sheet.append([str(number), rule])
