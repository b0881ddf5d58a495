"""The power list as .xlsx, and its import template.

The layout and the styles are the risk registers' (`lianfang.risks.registers.xlsx`): a
write-only (streaming) workbook, the title in row 1 merged across the columns, the header in
row 2 (frozen, repeated on every printed page), data from row 3, A4 landscape fitted to the
page width; formula-like text is neutralised by the registers' cell helper.
"""

from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from lianfang.core.text import join_list
from lianfang.risks.registers.columns import EXAMPLE_MARK, letter
from lianfang.risks.registers.xlsx import FONT, HEADER_ROW, TITLE_ROW, Styles, row_values

from ..services import code_help
from .columns import COLUMNS, EXAMPLE, NOTES

_CENTRED = {"category", "legal_limit", "promised_limit", "fee_amount", "decision"}
_CENTRED |= {"decision_year", "published"}


def _sheet(wb: Workbook, title: str) -> tuple[Worksheet, Styles]:
    ws = wb.create_sheet(title=_("权力清单"))
    for index, column in enumerate(COLUMNS):
        ws.column_dimensions[letter(index)].width = column.width
    ws.freeze_panes = f"C{HEADER_ROW + 1}"  # the code and the name stay in view
    setup = ws.page_setup
    setup.orientation, setup.paperSize = "landscape", Worksheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.merged_cells.add(f"A{TITLE_ROW}:{letter(len(COLUMNS) - 1)}{TITLE_ROW}")
    styles = Styles(ws)
    ws.append([styles.cell(title, styles.title)])
    ws.append([styles.cell(str(c.header), styles.header) for c in COLUMNS])
    return ws, styles


def write_list(out, *, title: str, rows: Iterable[dict]) -> int:
    """Write the list to the binary file `out`; return how many rows were written."""
    wb = Workbook(write_only=True)
    ws, styles = _sheet(wb, title)
    protos = [styles.centred if c.key in _CENTRED else styles.body for c in COLUMNS]
    count = 0
    for row in rows:
        ws.append(
            [styles.cell(v, p) for v, p in zip(row_values(row, COLUMNS), protos, strict=True)]
        )
        count += 1
    wb.save(out)
    return count


def write_template(out, *, title: str, category_labels: dict[str, str]) -> None:
    """The header, one example row in grey italics (事项编码 “示例”, skipped on import) and the
    sheet “填写说明”: what each column holds, the code pattern and the line formats."""
    wb = Workbook(write_only=True)
    ws, styles = _sheet(wb, title)
    example = {key: str(value) for key, value in EXAMPLE.items()}
    example["code"] = str(EXAMPLE_MARK)
    example["category"] = category_labels.get("license", example["category"])
    ws.append([styles.cell(v, styles.example) for v in row_values(example, COLUMNS)])
    _instructions(wb, category_labels)
    wb.save(out)


def _instructions(wb: Workbook, category_labels: dict[str, str]) -> None:
    sheet = wb.create_sheet(title=_("填写说明"))
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 90

    def heading(text):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(name=FONT, bold=True, size=12)
        sheet.append([cell])

    heading(_("各列填写要求"))
    sheet.append([_("列名"), _("是否必填"), _("说明")])
    labels = join_list(category_labels.values())
    for column in COLUMNS:
        note = str(NOTES[column.key])
        if column.key == "category":
            note %= {"labels": labels}
        sheet.append([str(column.header), _("必填") if column.required else "", note])
    sheet.append([])
    heading(_("事项编码规则"))
    sheet.append([_("编码格式"), "", code_help()])
    sheet.append([])
    heading(_("填写规则"))
    rules = [
        _(
            "第1行为标题，第2行为表头，请勿修改、删除或合并表头单元格；数据从第3行起，每个事项一行。"
        ),
        _(
            "事项编码请按文本填写（可先将该列设置为“文本”格式），"
            "以免 Excel 把长数字改成科学计数法、改动末位。"
        ),
        _(
            "系统中已有的事项编码，导入时按本行内容更新该事项；其他编码新增事项。因此可先导出权力清单，修改后再导入。"
        ),
        _(
            "设定依据、实施依据每行一条，以《文件名称》开头，条款号紧随其后，冒号后为条文摘录，如“《营业性演出管理条例》第六条：……”。"
        ),
        _("责任事项每行一条，写成“环节：责任内容”，如“受理责任：……”。"),
        _("实施主体、承办机构、承办岗位须与系统中的名称一致，并在您的数据权限范围内。"),
        _("除取消的事项外，每个事项至少填写一条设定依据或实施依据；没有依据的事项应予取消。"),
        _("事项编码为“示例”的行是填写示例，导入时跳过，可直接删除。"),
        _(
            "不接受公式、合并单元格和含宏的文件；任何一行有误，整个文件都不会导入，并列出出错的行、列和原因。"
        ),
    ]
    for number, rule in enumerate(rules, 1):
        sheet.append([str(number), "", rule])
