"""Reading an uploaded register file safely: is it really an .xlsx, without macros, within the
limits; where is the header; which cells are merged; which cells hold formulas.

Nothing here evaluates a formula: the workbook is opened with `data_only=False`, so a formula
cell comes back as its formula text with cell type "f", and that is an error for the cell.
"""

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from .columns import Column, header_matches, letter, unescape

XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MARKS = (b"macroEnabled", b"vbaProject")
# A zip bomb guard: an honest register expands to a few dozen times its zipped size.
MAX_EXPANSION = 40


@dataclass(frozen=True)
class Issue:
    """One reason the file is refused: the row as Excel numbers it, the column letter and its
    header, the field and the message (row/column are None for the file as a whole)."""

    row: int | None
    column: str | None
    header: str
    field: str
    message: str

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "field": self.field,
            "message": self.message,
        }


class ImportRefused(Exception):
    """The file is refused: `issues` lists why (at most MAX_ISSUES), `more` counts the rest."""

    def __init__(self, issues: list[Issue], more: int = 0):
        super().__init__(issues[0].message if issues else "")
        self.issues = issues
        self.more = more


def _file_issue(message: str) -> ImportRefused:
    return ImportRefused([Issue(None, None, "", "file", message)])


def _size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    file.seek(0)
    return size


def open_workbook(file):
    """The uploaded file as a read-only openpyxl workbook, or ImportRefused naming why not."""
    size = _size(file)
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise _file_issue(
            _("文件过大（%(size).1f MB），上限为 %(limit).0f MB。")
            % {"size": size / 1024 / 1024, "limit": limit / 1024 / 1024}
        )
    not_xlsx = _("文件不是 Excel 工作簿（.xlsx）。请使用下载的模板填写后另存为 .xlsx 上传。")
    if file.read(4) != b"PK\x03\x04":
        raise _file_issue(not_xlsx)
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
        infos = archive.infolist()
        types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        raise _file_issue(not_xlsx) from None
    names = [info.filename.lower() for info in infos]
    if any(mark in types for mark in MACRO_MARKS) or any(
        n.endswith("vbaproject.bin") for n in names
    ):
        raise _file_issue(_("文件含有宏（.xlsm 或 VBA 工程），为安全起见不予导入。"))
    if XLSX_MAIN not in types:
        raise _file_issue(not_xlsx)
    if sum(info.file_size for info in infos) > max(size, 1) * MAX_EXPANSION + 10 * 1024 * 1024:
        raise _file_issue(_("文件解压后异常庞大，不予导入。"))
    file.seek(0)
    try:
        return load_workbook(file, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a damaged part
        raise _file_issue(not_xlsx) from None


# <mergeCell ref="A1:B2"/>, with or without a namespace prefix. The sheet part is scanned as
# bytes: `<` inside cell text is always escaped, so only real elements match, and a false
# match could only refuse a file, never let a merged cell through.
_MERGE_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref\s*=\s*[\"']([^\"']+)[\"']"
)
_CHUNK = 1 << 20


def merged_ranges(workbook, sheet) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of every merged range of `sheet`.

    openpyxl's read-only sheets skip <mergeCell>, so the sheet part is scanned for them, in
    chunks (a regular expression over bytes is some ten times faster than parsing the XML a
    second time). `_worksheet_path` and `_archive` are openpyxl internals, kept to here.
    """
    found = set()
    tail = b""
    with workbook._archive.open(sheet._worksheet_path) as source:
        while chunk := source.read(_CHUNK):
            data = tail + chunk
            for match in _MERGE_CELL.finditer(data):
                try:
                    found.add(range_boundaries(match.group(1).decode("ascii", "replace")))
                except (ValueError, TypeError):
                    continue
            tail = data[-512:]  # an element cut by the chunk boundary is matched next time
    return sorted(found, key=lambda b: (b[1], b[0]))


def text_of(value) -> str:
    """A cell value as trimmed text (a whole number without “.0”)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unescape(str(value)).strip()


def _is_blank(cells) -> bool:
    return all(text_of(c.value) == "" for c in cells)


@dataclass
class Sheet:
    header_row: int
    rows: Iterator[tuple[int, tuple]]  # (Excel row number, cells)
    merged: list[tuple[int, int, int, int]]


def _is_title(cells, first: Column) -> bool:
    filled = [c for c in cells if text_of(c.value)]
    return len(filled) == 1 and not header_matches(text_of(filled[0].value), first)


def _merged_label(bounds) -> str:
    min_col, min_row, max_col, max_row = bounds
    return f"{letter(min_col - 1)}{min_row}:{letter(max_col - 1)}{max_row}"


def check_header(cells, row: int, columns: tuple[Column, ...], merged) -> list[Issue]:
    """Each column's header must be where the template puts it, not merged, not renamed."""
    issues = []
    for index, column in enumerate(columns):
        col = letter(index)
        header = str(column.header)
        value = text_of(cells[index].value) if index < len(cells) else ""
        merge = next((m for m in merged if m[1] <= row <= m[3] and m[0] <= index + 1 <= m[2]), None)
        if merge is not None:
            message = _("表头不能使用合并单元格（%(range)s），%(col)s列应为“%(h)s”。") % {
                "range": _merged_label(merge),
                "col": col,
                "h": header,
            }
        elif not value:
            message = _("%(col)s列缺少表头，应为“%(h)s”。") % {"col": col, "h": header}
        elif not header_matches(value, column):
            message = _("%(col)s列表头应为“%(h)s”，实为“%(v)s”。") % {
                "col": col,
                "h": header,
                "v": value,
            }
        else:
            continue
        issues.append(Issue(row, col, header, "header", message))
    return issues


def open_sheet(workbook, columns: tuple[Column, ...]) -> Sheet:
    """The first sheet: find the header (row 1, or row 2 under a one-cell title), check it and
    give back the data rows after it; merged cells below the title are refused."""
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()  # never trust the file's own <dimension>: read every row
    merged = merged_ranges(workbook, sheet)
    rows = enumerate(sheet.iter_rows(), 1)
    number, cells = next(rows, (1, ()))
    if _is_title(cells, columns[0]):
        number, cells = next(rows, (2, ()))
    issues = check_header(cells, number, columns, merged)
    for bounds in merged:
        if bounds[3] > number and not any(i.field == "header" for i in issues):
            issues.append(
                Issue(
                    max(bounds[1], number + 1),
                    letter(bounds[0] - 1),
                    str(columns[bounds[0] - 1].header) if bounds[0] <= len(columns) else "",
                    "merged",
                    _("不接受合并单元格（%(range)s），请取消合并并在每一行填写完整。")
                    % {"range": _merged_label(bounds)},
                )
            )
    if issues:
        raise ImportRefused(issues)
    data = ((n, c) for n, c in rows if not _is_blank(c))
    return Sheet(header_row=number, rows=data, merged=merged)


def is_formula(cell) -> bool:
    """A formula cell (type "f"); text that merely starts with “=” in a string cell, as the
    export writes neutralised text, is not one."""
    return cell.data_type == "f"
