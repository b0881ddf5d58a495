"""The registers as .docx (python-docx): A4 landscape, the title, then one table with the
same columns as the .xlsx, its header row repeated on every page.

python-docx's cell API costs about a millisecond a cell, too slow for a large register, so
data rows are built as WordprocessingML directly: a prototype cell is copied and its text set.
The whole document is held in memory while it is built (Word files are for printing; the
streaming .xlsx is the bulk format).
"""

import copy
from collections.abc import Iterable

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .columns import COLUMNS

FONT = "宋体"
TITLE_FONT = "方正小标宋简体"


def set_fonts(run_or_style, name: str) -> None:
    """Set the Latin and the East Asian font (Word picks the latter for Chinese text)."""
    run_or_style.font.name = name
    r_pr = run_or_style.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)


def landscape_page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(12))
    for side in ("top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    normal = document.styles["Normal"]
    set_fonts(normal, FONT)
    normal.font.size = Pt(9)
    normal.paragraph_format.space_after = Pt(0)


def set_text(tc, text: str) -> None:
    """Replace a cell's text; each line of `text` becomes its own paragraph."""
    paragraphs = tc.findall(qn("w:p"))
    proto = paragraphs[0]
    for p in paragraphs:
        tc.remove(p)
    for line in (text or "").split("\n") or [""]:
        p = copy.deepcopy(proto)
        for r in p.findall(qn("w:r")):
            p.remove(r)
        if line:
            r = OxmlElement("w:r")
            t = OxmlElement("w:t")
            t.text = line
            t.set(qn("xml:space"), "preserve")
            r.append(t)
            p.append(r)
        tc.append(p)


def write_register(out, *, register: str, title: str, rows: Iterable[dict]) -> int:
    """Write the register to the binary file `out`; return how many rows were written."""
    columns = COLUMNS[register]
    document = Document()
    landscape_page(document)

    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.space_after = Pt(8)
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(16)
    set_fonts(run, TITLE_FONT)

    table = document.add_table(rows=2, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # keep the column proportions of the form
    usable = 297 - 24
    total = sum(c.width for c in columns)
    for index, column in enumerate(columns):
        width = Mm(usable * column.width / total)
        table.columns[index].width = width
        for cell in table.columns[index].cells:
            cell.width = width

    header = table.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for cell, column in zip(header.cells, columns, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(str(column.header))
        run.bold = True

    # The second row is the prototype of every data row; it is copied, then removed.
    proto = table.rows[1]._tr
    tbl = table._tbl
    tbl.remove(proto)
    cells = proto.findall(qn("w:tc"))
    count = 0
    for row in rows:
        for tc, column in zip(cells, columns, strict=True):
            value = row.get(column.key)
            set_text(tc, "" if value is None else str(value))
        tbl.append(copy.deepcopy(proto))
        count += 1
    document.save(out)
    return count
