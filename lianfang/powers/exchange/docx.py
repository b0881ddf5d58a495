"""The power list and a power's flowchart table as .docx: A4 landscape, a title, one table
whose header row repeats on every page. The page setup, fonts and the fast cell text are the
risk registers' (`lianfang.risks.registers.docx`)."""

import copy
from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from lianfang.risks.registers.docx import TITLE_FONT, landscape_page, set_fonts, set_text

from ..models import PowerItem
from ..selectors import FlowRow
from .columns import BY_KEY, DOCX_KEYS

USABLE_MM = 297 - 24  # A4 landscape less the margins `landscape_page` sets


def _title(document, text: str, size: int = 16) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(6)
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(size)
    set_fonts(run, TITLE_FONT)


def _table(document, headers: list[str], widths: list[float], rows: Iterable[list[str]]) -> int:
    """A table with `headers` (repeated on each page) and one row per item of `rows`; data rows
    are copies of one prototype row, as the registers build theirs."""
    table = document.add_table(rows=2, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, share in zip(table.columns, widths, strict=True):
        width = Mm(USABLE_MM * share / sum(widths))
        column.width = width
        for cell in column.cells:
            cell.width = width
    header = table.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, text in zip(header.cells, headers, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.paragraphs[0].add_run(text).bold = True
    proto = table.rows[1]._tr
    table._tbl.remove(proto)
    cells = proto.findall(qn("w:tc"))
    count = 0
    for row in rows:
        for tc, text in zip(cells, row, strict=True):
            set_text(tc, text)
        table._tbl.append(copy.deepcopy(proto))
        count += 1
    return count


def _text(value) -> str:
    return "" if value is None else str(value)


def write_list(out, *, title: str, rows: Iterable[dict]) -> int:
    """The list's main columns; return how many rows were written."""
    document = Document()
    landscape_page(document)
    _title(document, title)
    columns = [BY_KEY[key] for key in DOCX_KEYS]
    count = _table(
        document,
        [str(c.header) for c in columns],
        [c.width for c in columns],
        ([_text(row.get(c.key)) for c in columns] for row in rows),
    )
    document.save(out)
    return count


# --- the flowchart table 工作流程 | 廉政风险点 | 防控措施 ---------------------------------------


def _days(days: int) -> str:
    return ngettext("%(days)d个工作日", "%(days)d个工作日", days) % {"days": days}


def _step_text(row: FlowRow) -> str:
    step = row.step
    lines = [step.name]
    if step.post_id:
        lines.append(_("承办岗位：%(post)s") % {"post": step.post.name})
    if step.limit_days:
        lines.append(_("办理时限：%(days)s") % {"days": _days(step.limit_days)})
    return "\n".join(lines)


def _risk_line(risk) -> str:
    mark = settings.RISK_LEVEL_MARKS[risk.level - 1] if risk.level else ""
    return f"{mark} {risk.title}".strip()


def _risks_text(row: FlowRow) -> str:
    if len(row.risks) == 1:
        return _risk_line(row.risks[0])
    return "\n".join(f"{n}. {_risk_line(r)}" for n, r in enumerate(row.risks, 1))


def _measures_text(row: FlowRow) -> str:
    lines = []
    for number, risk in enumerate(row.risks, 1):
        measures = risk.measures.all()  # called-off ones are not fetched (flow_rows)
        if len(row.risks) > 1:
            lines.append(_("针对风险点%(n)d：") % {"n": number})
        lines += [f"{n}. {' '.join(m.content.split())}" for n, m in enumerate(measures, 1)]
    return "\n".join(lines)


def flow_subtitle(item: PowerItem, category_label: str) -> str:
    parts = [_("事项编码：%(code)s") % {"code": item.code}, category_label]
    if item.legal_limit is not None:
        parts.append(_("法定时限：%(days)s") % {"days": _days(item.legal_limit)})
    if item.promised_limit is not None:
        parts.append(_("承诺时限：%(days)s") % {"days": _days(item.promised_limit)})
    return "　".join(parts)


def write_flow(out, *, item: PowerItem, rows: list[FlowRow], category_label: str) -> int:
    """The heading (the item's name and code) and the three-column table, one row per step."""
    document = Document()
    landscape_page(document)
    _title(document, _("%(name)s权力运行流程图") % {"name": item.name})
    subtitle = document.add_paragraph(flow_subtitle(item, category_label))
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.paragraph_format.space_after = Pt(8)
    count = _table(
        document,
        [_("工作流程"), _("廉政风险点"), _("防控措施")],
        [3, 3, 4],
        ([_step_text(r), _risks_text(r), _measures_text(r)] for r in rows),
    )
    document.save(out)
    return count
