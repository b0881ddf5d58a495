"""The registers as .xlsx: the export and the import template.

Written with XlsxWriter in its constant-memory mode: each row goes to a temporary file as soon
as the next row starts, so memory stays flat however many rows there are, and a styled cell
costs half what an openpyxl write-only cell does (100,000 rows: about 25 → 12 s). The writers
write into any binary file object (the caller streams a temporary file back in chunks).

Layout, shared with the importer: row 1 is the title (merged across the columns), row 2 the
header, data from row 3; the header row is frozen and repeats on every printed page.

Formula-like text (starting with = + - @, a tab or a carriage return) is neutralised the way
Excel itself stores text typed after an apostrophe: the cell is a string cell and its format
carries the flag `quotePrefix`. Excel and LibreOffice show the text as typed and never evaluate
it, even after the cell is edited, and the text itself is unchanged, so an export imports back
exactly (the importer refuses real formula cells, which it tells apart by cell type).
"""

from collections.abc import Iterable

import xlsxwriter
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from lianfang.core.text import join_list

from ..models import REGISTER_CATEGORIES, Level, MeasureType, Register
from .columns import (
    COLUMNS,
    EXAMPLE_MARK,
    EXAMPLES,
    Column,
    category_text,
    level_text,
    measures_text,
)

FONT = "宋体"
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TITLE_ROW, HEADER_ROW = 1, 2  # as Excel numbers them
A4 = 9
# Excel's column width unit is one digit of the default font, 7 pixels; XlsxWriter's
# set_column would add the cell padding on top, set_column_pixels stores the width as given.
DIGIT_PX = 7
# Generic writes (the merged title) never turn text into a formula or a link.
OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}

_BORDER = {"border": 1, "border_color": "#808080"}
_TEXT = {"font_name": FONT, "font_size": 10, "valign": "top"}
FORMATS = {
    "title": {"font_name": FONT, "font_size": 16, "bold": True, "align": "center"},
    "header": {
        "font_name": FONT,
        "font_size": 11,
        "bold": True,
        "align": "center",
        "valign": "vcenter",
        "text_wrap": True,
        "pattern": 1,
        "bg_color": "#D9D9D9",
        **_BORDER,
    },
    "body": {**_TEXT, "text_wrap": True, **_BORDER},
    "centred": {**_TEXT, "align": "center", **_BORDER},
    "example": {**_TEXT, "text_wrap": True, "italic": True, "font_color": "#808080", **_BORDER},
    "heading": {"font_name": FONT, "font_size": 12, "bold": True},
}
_CENTRED = {"seq", "level", "year", "person", "responsible_person", "department_head", "leader"}


def is_dangerous(value) -> bool:
    return isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES)


class _Sheet:
    """A worksheet written row after row (constant-memory mode writes each row once), each
    value as its type: a number, text (formula-like text quote-prefixed) or a styled blank."""

    def __init__(self, wb, ws):
        self.ws = ws
        self.row = 0
        # kind → (plain format, quote-prefixed format), made once: formats are workbook-wide.
        self.formats = {
            kind: (wb.add_format(spec), wb.add_format({**spec, "quote_prefix": True}))
            for kind, spec in FORMATS.items()
        }

    def append(self, values: Iterable, kinds: Iterable[str | None]) -> None:
        ws, row = self.ws, self.row
        for col, (value, kind) in enumerate(zip(values, kinds, strict=True)):
            plain, quoted = self.formats[kind] if kind else (None, None)
            if isinstance(value, str):
                if value:
                    ws.write_string(row, col, value, quoted if is_dangerous(value) else plain)
                elif plain is not None:
                    ws.write_blank(row, col, None, plain)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                ws.write_number(row, col, value, plain)
            elif value is not None:
                ws.write_string(row, col, str(value), plain)
        self.row += 1

    def title(self, text: str, columns: int) -> None:
        plain, quoted = self.formats["title"]
        self.ws.merge_range(0, 0, 0, columns - 1, text, quoted if is_dangerous(text) else plain)
        self.row = TITLE_ROW


def _widths(ws, widths: Iterable[float]) -> None:
    for index, width in enumerate(widths):
        ws.set_column_pixels(index, index, round(width * DIGIT_PX))


def _sheet(wb, register: str, title: str) -> _Sheet:
    columns = COLUMNS[register]
    ws = wb.add_worksheet(str(Register(register).label)[:31])
    _widths(ws, (c.width for c in columns))
    ws.freeze_panes(HEADER_ROW, 0)
    ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW - 1)
    sheet = _Sheet(wb, ws)
    sheet.title(title, len(columns))
    sheet.append([str(c.header) for c in columns], ["header"] * len(columns))
    return sheet


def row_values(row: dict, columns: tuple[Column, ...]) -> list:
    return [row.get(c.key) if row.get(c.key) is not None else "" for c in columns]


def write_register(out, *, register: str, title: str, rows: Iterable[dict]) -> int:
    """Write the register to the binary file `out`; return how many rows were written."""
    columns = COLUMNS[register]
    kinds = ["centred" if c.key in _CENTRED else "body" for c in columns]
    count = 0
    with xlsxwriter.Workbook(out, OPTIONS) as wb:
        sheet = _sheet(wb, register, title)
        for row in rows:
            sheet.append(row_values(row, columns), kinds)
            count += 1
    return count


def write_template(out, *, register: str, title: str) -> None:
    """The header row, one example row in grey italics (序号 “示例”, skipped on import) and a
    second sheet “填写说明” with the register's categories, the levels and the rules."""
    columns = COLUMNS[register]
    example = dict(EXAMPLES[register])
    example["seq"] = str(EXAMPLE_MARK)
    example["category"] = category_text(example["category"])
    example["level"] = level_text(example["level"])
    example["measures"] = measures_text(example["measures"])
    example = {k: str(v) for k, v in example.items()}
    with xlsxwriter.Workbook(out, OPTIONS) as wb:
        sheet = _sheet(wb, register, title)
        sheet.append(row_values(example, columns), ["example"] * len(columns))
        _instructions(wb, register)


def _instructions(wb, register: str) -> None:
    ws = wb.add_worksheet(_("填写说明"))
    _widths(ws, (22, 90))
    sheet = _Sheet(wb, ws)

    def heading(text):
        sheet.append([text], ["heading"])

    def line(*texts):
        sheet.append(texts, [None] * len(texts))

    heading(_("风险类别（本表可选）"))
    for category in REGISTER_CATEGORIES[register]:
        line(str(category.label), category.value)
    line()
    heading(_("风险等级"))
    for level, words in (
        (Level.ONE, _("1、一级、高")),
        (Level.TWO, _("2、二级、中")),
        (Level.THREE, _("3、三级、低")),
    ):
        line(str(level.label), _("可填写：%(w)s") % {"w": words})
    line()
    heading(_("措施类型标签（写在每条措施开头，可省略）"))
    for kind in MeasureType:
        if kind != MeasureType.OTHER:
            line(f"【{kind.label}】", str(kind.label))
    line(str(MeasureType.OTHER.label), _("不写标签即为“其他”"))
    line()
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
        line(str(number), rule)


# --- openpyxl ----------------------------------------------------------------------------------
# The same styles as openpyxl prototype cells, for the power list's writer
# (`lianfang.powers.exchange.xlsx`), which builds its sheets with openpyxl.

_thin = Side(style="thin", color="808080")
_border = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_header_fill = PatternFill("solid", fgColor="D9D9D9")


class Styles:
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
        cell.value = value
        if is_dangerous(value):
            cell.data_type = "s"  # never a formula …
            cell.quotePrefix = True  # … not even after the user edits it
        return cell
