"""The three registration forms (登记表): screen, print, .xlsx/.docx export, template, import.

The `org` fixture's finance department: 会计 post held by 陈会计 (staff), head 张科长, leader in
charge 李副局长, principal of 市局 王局长.
"""

import io
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Mm
from openpyxl import Workbook, load_workbook

from lianfang.accounts.roles import Role
from lianfang.core.models import AuditEntry
from lianfang.risks.models import (
    Category,
    Grading,
    Measure,
    MeasureStatus,
    MeasureType,
    Register,
    RiskPoint,
    Status,
    Step,
)
from lianfang.risks.registers import columns as cols
from lianfang.risks.registers import rows as register_rows
from lianfang.risks.registers.importer import register_import
from lianfang.risks.registers.reading import ImportRefused

from .factories import PersonFactory, UserFactory
from .risk_factories import MeasureFactory, RiskPointFactory

PAGES = "/risks/registers"
API = "/api/v1/risks/registers"
STATIC = Path(__file__).resolve().parent.parent / "lianfang" / "static" / "lianfang"


def _headers(register) -> list[str]:
    return [str(c.header) for c in cols.COLUMNS[register]]


def _post_risk(org, **kwargs):
    values = {
        "register": Register.POST,
        "post": org.posts.accountant,
        "department": org.finance,
        "unit": org.bureau,
        "person": org.people.staff,
        "responsible_person": org.people.staff,
        "year": 2026,
    }
    return RiskPointFactory(**{**values, **kwargs})


def _workbook(response) -> Workbook:
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _book(register, rows, *, header=None, title=True) -> Workbook:
    """An import file as a person would fill it in: title, header, then `rows` (dicts by key)."""
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append(["某局2026年度登记表"])
    ws.append(header if header is not None else _headers(register))
    for row in rows:
        ws.append([row.get(c.key) for c in cols.COLUMNS[register]])
    return wb


def _bytes(wb) -> io.BytesIO:
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def _row(**overrides) -> dict:
    """A valid personal-post row for the org fixture's accountant."""
    row = {
        "unit": "市局",
        "department": "财务科",
        "post": "会计",
        "person": "陈会计",
        "duty_link": "报销审核",
        "category": "岗位职责",
        "title": "报销审核把关不严",
        "manifestation": "对不合规票据予以报销。",
        "level": "二级",
        "measures": "1. 【制度】逐笔审核原始凭证\n2. 科长每月抽查",
        "responsible_person": "陈会计",
        "year": 2026,
    }
    return {**row, **overrides}


def _import(user, register, rows, year=2026, **book):
    return register_import(
        actor=user, register=register, year=year, file=_bytes(_book(register, rows, **book))
    )


def _refusal(user, register, rows, **book) -> list:
    with pytest.raises(ImportRefused) as caught:
        _import(user, register, rows, **book)
    return caught.value.issues


# Export


def test_it_exports_the_post_register_with_the_reconciled_columns(client, personas, org):
    org.posts.accountant.duties = "负责会计核算和报销审核。"
    org.posts.accountant.save(update_fields=["duties"])
    high = _post_risk(org, level=1, title="审核把关不严", duty_link="报销审核")
    MeasureFactory(risk=high, type=MeasureType.RULES, content="逐笔审核原始凭证")
    MeasureFactory(risk=high, content="科长每月抽查")
    MeasureFactory(risk=high, content="已取消的措施", status=MeasureStatus.CANCELLED)
    low = _post_risk(org, level=3, title="票据保管不善")
    MeasureFactory(risk=low, content="专柜保管")
    _post_risk(org, title="已撤销的风险", status=Status.RETIRED)

    client.force_login(personas.jijian)
    response = client.get(f"{PAGES}/post/export.xlsx?year=2026")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    ws = _workbook(response).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "市局2026年度个人岗位廉政风险防控登记表"
    assert list(rows[1]) == [
        "序号",
        "单位",
        "科室",
        "岗位名称",
        "姓名",
        "岗位职责",
        "职权内容/涉及环节",
        "风险类别",
        "风险点",
        "风险表现形式",
        "风险等级",
        "防控措施",
        "直接责任人",
        "部门责任人",
        "责任领导",
        "年度",
    ]
    first = dict(zip(rows[1], rows[2], strict=True))
    assert first["序号"] == 1
    assert (first["单位"], first["科室"], first["岗位名称"], first["姓名"]) == (
        "市局",
        "财务科",
        "会计",
        "陈会计",
    )
    assert first["岗位职责"] == "负责会计核算和报销审核。"
    assert first["风险类别"] == "岗位职责"
    assert first["风险等级"] == "一级（高）"
    assert first["防控措施"] == "1. 【制度】逐笔审核原始凭证\n2. 科长每月抽查"
    assert first["部门责任人"] == "张科长"
    assert first["责任领导"] == "王局长"  # level 1 → the principal leader
    assert first["年度"] == 2026
    second = dict(zip(rows[1], rows[3], strict=True))
    assert second["责任领导"] == "张科长"  # level 3 → the department head
    assert len(rows) == 4  # the retired risk is not on the form


def test_it_styles_freezes_and_sets_up_the_sheet_for_a4_landscape(client, personas, org):
    _post_risk(org)
    client.force_login(personas.jijian)
    ws = _workbook(client.get(f"{PAGES}/post/export.xlsx?year=2026")).worksheets[0]
    assert ws.freeze_panes == "A3"
    assert "A1:P1" in {str(r) for r in ws.merged_cells.ranges}
    header = ws["B2"]
    assert header.font.b and header.font.name == "宋体"
    assert header.fill.fgColor.rgb.endswith("D9D9D9")
    assert ws.column_dimensions["L"].width == 40  # 防控措施
    assert ws["L3"].alignment.wrap_text
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == "$2:$2"


@pytest.mark.parametrize(
    ("register", "headers"),
    [
        (
            Register.DEPARTMENT,
            "序号 单位 科室 职权内容/涉及环节 风险类别 风险点 风险表现形式 风险等级 防控措施 "
            "直接责任人 部门责任人 责任领导 年度",
        ),
        (
            Register.UNIT,
            "序号 单位 职权内容/涉及环节 风险类别 风险点 风险表现形式 风险等级 防控措施 "
            "直接责任人 责任领导 年度",
        ),
    ],
)
def test_it_drops_the_columns_that_make_no_sense_for_the_form(
    client, personas, org, register, headers
):
    client.force_login(personas.jijian)
    ws = _workbook(client.get(f"{PAGES}/{register}/export.xlsx?year=2026")).worksheets[0]
    assert [c.value for c in ws[2]] == headers.split()


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x","点我")', "+86 123", "-1+2", "@SUM(A1)", "\tx", "\rx"]
)
def test_it_neutralises_formula_like_cells_in_the_export(client, personas, org, text):
    risk = _post_risk(org, title=text, manifestation="正常文字")
    MeasureFactory(risk=risk)
    client.force_login(personas.jijian)
    ws = _workbook(client.get(f"{PAGES}/post/export.xlsx?year=2026")).worksheets[0]
    title, plain = ws["I3"], ws["J3"]
    # The text is kept as typed, in a string cell flagged like text typed after an apostrophe
    # (a carriage return stored escaped, “_x000D_”, as Excel stores it; openpyxl leaves the
    # escape to its reader).
    assert cols.unescape(title.value) == text
    assert title.data_type == "s"
    assert title.quotePrefix
    assert plain.value == "正常文字"
    assert not plain.quotePrefix


def test_it_exports_only_what_the_user_may_see(client, personas, org):
    _post_risk(org, title="财务科的风险")
    RiskPointFactory(
        register=Register.POST,
        post=org.posts.approver,
        person=org.people.approver,
        responsible_person=org.people.approver,
        title="审批科的风险",
    )
    client.force_login(personas.dept_head)
    ws = _workbook(client.get(f"{PAGES}/post/export.xlsx?year=2026")).worksheets[0]
    titles = [row[8] for row in ws.iter_rows(min_row=3, values_only=True)]
    assert titles == ["财务科的风险"]


def test_it_filters_the_export_by_department_and_names_the_unit_in_the_title(client, personas, org):
    _post_risk(org, title="财务科的风险")
    RiskPointFactory(register=Register.POST, post=org.posts.approver, title="审批科的风险")
    client.force_login(personas.jijian)
    response = client.get(f"{PAGES}/post/export.xlsx?year=2026&department={org.approval.pk}")
    ws = _workbook(response).worksheets[0]
    assert [row[8] for row in ws.iter_rows(min_row=3, values_only=True)] == ["审批科的风险"]
    assert ws["A1"].value.startswith("市局2026年度")


def test_it_audits_each_export_with_its_row_count(client, personas, org):
    _post_risk(org)
    _post_risk(org)
    client.force_login(personas.jijian)
    b"".join(client.get(f"{PAGES}/post/export.docx?year=2026").streaming_content)
    entry = AuditEntry.objects.get(action="export")
    assert entry.object_type == "risks.riskpoint"
    assert entry.actor == personas.jijian
    assert entry.after["register"] == "post"
    assert entry.after["year"] == 2026
    assert entry.after["rows"] == 2
    assert entry.after["format"] == "docx"


def test_it_exports_in_a_number_of_queries_that_grows_with_chunks_not_rows(personas, org):
    def run(chunk):
        risks = register_rows.register_risks(personas.jijian, Register.POST, 2026)
        with CaptureQueriesContext(connection) as queries:
            rows = list(register_rows.rows_of(risks, chunk=chunk))
        return rows, len(queries)

    for _ in range(5):
        MeasureFactory(risk=_post_risk(org))
    rows, five = run(chunk=2)
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5]
    assert all(r["measures"].startswith("1. ") for r in rows)
    for _ in range(20):
        MeasureFactory(risk=_post_risk(org))
    _rows, big_chunk = run(chunk=1000)
    assert big_chunk <= five


def test_it_exports_the_word_form_a4_landscape_with_the_same_columns(client, personas, org):
    risk = _post_risk(org, title="审核把关不严")
    MeasureFactory(risk=risk, content="第一条")
    MeasureFactory(risk=risk, content="第二条")
    client.force_login(personas.jijian)
    response = client.get(f"{PAGES}/post/export.docx?year=2026")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert abs(section.page_width - Mm(297)) < Mm(1)
    assert document.paragraphs[0].text == "市局2026年度个人岗位廉政风险防控登记表"
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == _headers(Register.POST)
    assert len(table.rows) == 2
    cells = dict(zip(_headers(Register.POST), table.rows[1].cells, strict=True))
    assert cells["风险点"].text == "审核把关不严"
    assert [p.text for p in cells["防控措施"].paragraphs] == ["1. 第一条", "2. 第二条"]
    assert table.rows[0]._tr.trPr.xml.count("tblHeader") == 1  # repeats on every page


# Template


def test_it_offers_a_template_with_an_example_row_and_instructions(client, personas, org):
    client.force_login(personas.staff)
    wb = _workbook(client.get(f"{PAGES}/department/template.xlsx"))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[2]] == _headers(Register.DEPARTMENT)
    example = ws[3]
    assert example[0].value == "示例"
    assert all(c.font.i for c in example)
    assert example[1].font.color.rgb.endswith("808080")
    assert ws.max_row == 3
    notes = wb["填写说明"]
    text = "\n".join(str(v) for row in notes.iter_rows(values_only=True) for v in row if v)
    for label in (
        "业务流程",
        "制度机制",
        "外部环境",
        "一级（高）",
        "二级（中）",
        "三级（低）",
        "【监督】",
    ):
        assert label in text
    assert "重大决策" not in text and "思想道德" not in text


def test_it_skips_the_example_row_of_an_untouched_template(client, personas, org):
    client.force_login(personas.jijian)
    data = b"".join(client.get(f"{PAGES}/post/template.xlsx").streaming_content)
    with pytest.raises(ImportRefused) as caught:
        register_import(
            actor=personas.jijian, register=Register.POST, year=2026, file=io.BytesIO(data)
        )
    assert caught.value.issues[0].message == "文件中没有可导入的数据行。"


# Import


def test_it_imports_a_file_with_measures_history_and_one_audit_entry(personas, org):
    created = _import(personas.jijian, Register.POST, [_row(), _row(title="第二个风险点")])

    assert created == 2
    risk = RiskPoint.objects.get(title="报销审核把关不严")
    assert risk.register == Register.POST and risk.year == 2026
    assert (risk.unit, risk.department, risk.post) == (
        org.bureau,
        org.finance,
        org.posts.accountant,
    )
    assert risk.person == org.people.staff == risk.responsible_person
    assert (risk.category, risk.level, risk.duty_link) == (Category.DUTY, 2, "报销审核")
    assert (risk.step, risk.status) == (Step.SELF, Status.IN_PROGRESS)
    assert risk.assessed_on is not None
    assert not Grading.objects.exists()  # the file's level is the filer's own assessment
    measures = list(risk.measures.order_by("pk").values_list("type", "content", "owner"))
    assert measures == [
        (MeasureType.RULES, "逐笔审核原始凭证", org.people.staff.pk),
        (MeasureType.OTHER, "科长每月抽查", org.people.staff.pk),
    ]
    assert risk.history.count() == 1
    assert risk.history.get().history_user == personas.jijian
    assert Measure.history.count() == 4
    entry = AuditEntry.objects.get(object_type="risks.riskpoint")
    assert entry.action == "create"
    assert entry.after["risks"] == 2 and entry.after["measures"] == 4


def test_it_reads_a_sheet_without_a_title_row(personas, org):
    assert _import(personas.jijian, Register.POST, [_row()], title=False) == 1


def _library(org, year):
    """One risk of each register, with formula-like text and tagged measures."""
    post = _post_risk(org, year=year, level=1, title="=1+1 也是文字", duty_link="报销审核")
    MeasureFactory(risk=post, type=MeasureType.EDUCATION, content="岗前廉政教育")
    MeasureFactory(risk=post, content="-每月抽查")
    other = _post_risk(org, year=year, level=3, category=Category.MORAL, title="思想松懈")
    ungraded = _post_risk(org, year=year, level=None, title="尚未评定的风险")
    MeasureFactory(risk=ungraded, content="待组织点评后完善")
    MeasureFactory(risk=other, type=MeasureType.SUPERVISION, content="谈心谈话")
    dept = RiskPointFactory(
        register=Register.DEPARTMENT,
        department=org.finance,
        year=year,
        level=2,
        category=Category.EXTERNAL,
        responsible_person=org.people.head,
        manifestation="多行\n表现形式",
    )
    MeasureFactory(risk=dept, type=MeasureType.TECHNOLOGY, content="资金支付网上留痕")
    unit = RiskPointFactory(
        register=Register.UNIT,
        unit=org.bureau,
        year=year,
        level=1,
        category=Category.LARGE_FUND,
        responsible_person=org.people.principal,
    )
    MeasureFactory(risk=unit, type=MeasureType.RULES, content="三重一大集体决策")
    MeasureFactory(risk=unit, type=MeasureType.PROCESS, content="【流程】二字开头的措施")


def _snapshot(register, year):
    risks = RiskPoint.objects.filter(register=register, year=year).order_by("title")
    return [
        (
            r.title,
            r.category,
            r.level,
            r.manifestation,
            r.duty_link,
            r.unit_id,
            r.department_id,
            r.post_id,
            r.person_id,
            r.responsible_person_id,
            [(m.type, m.content) for m in r.measures.order_by("pk")],
        )
        for r in risks
    ]


@pytest.mark.parametrize("register", list(Register))
def test_it_round_trips_each_form_through_xlsx_into_an_empty_year(client, personas, org, register):
    _library(org, 2025)
    client.force_login(personas.jijian)
    exported = b"".join(
        client.get(f"{API}/{register}/export.xlsx", {"year": 2025}).streaming_content
    )
    upload = io.BytesIO(exported)
    upload.name = "export.xlsx"
    response = client.post(f"{API}/{register}/import", {"year": 2027, "file": upload})

    assert response.status_code == 201, response.json()
    before = _snapshot(register, 2025)
    assert response.json() == {"created": len(before)}
    assert before  # not a vacuous pass
    assert _snapshot(register, 2027) == before


def test_it_round_trips_a_line_break_typed_in_a_browser(client, personas, org):
    # A textarea sends its line breaks as CR LF; the file stores the CR escaped.
    risk = _post_risk(org, year=2025, manifestation="第一行\r\n第二行")
    MeasureFactory(risk=risk)
    client.force_login(personas.jijian)
    exported = b"".join(client.get(f"{API}/post/export.xlsx", {"year": 2025}).streaming_content)
    upload = io.BytesIO(exported)
    upload.name = "export.xlsx"
    response = client.post(f"{API}/post/import", {"year": 2027, "file": upload})
    assert response.status_code == 201, response.json()
    assert RiskPoint.objects.get(year=2027).manifestation == "第一行\r\n第二行"


def test_it_refuses_a_file_that_is_not_xlsx(personas, org):
    for content in (
        b"\xd0\xcf\x11\xe0 an old .xls",
        "序号,单位\n1,市局\n".encode(),
        _zip({"readme.txt": b"hello"}),
        _zip({"[Content_Types].xml": _types("wordprocessingml.document.main+xml")}),
    ):
        with pytest.raises(ImportRefused) as caught:
            register_import(
                actor=personas.jijian, register="post", year=2026, file=io.BytesIO(content)
            )
        (issue,) = caught.value.issues
        assert issue.field == "file"
        assert ".xlsx" in issue.message


def _zip(parts: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _types(main: str) -> bytes:
    return (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Override PartName="/word/document.xml" ContentType="application/'
        f'vnd.openxmlformats-officedocument.{main}"/></Types>'
    ).encode()


def _rewrite(data: bytes, change) -> bytes:
    """A copy of the .xlsx `data` with its parts passed through `change(parts)`."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    return _zip(change(parts))


@pytest.mark.parametrize("how", ["content type", "vba project"])
def test_it_refuses_a_macro_enabled_file(personas, org, how):
    data = _bytes(_book(Register.POST, [_row()])).getvalue()

    def xlsm(parts):
        if how == "content type":
            parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
                b"spreadsheetml.sheet.main+xml", b"../vnd.ms-excel.sheet.macroEnabled.main+xml"
            )
        else:
            parts["xl/vbaProject.bin"] = b"\x00" * 64
        return parts

    with pytest.raises(ImportRefused) as caught:
        register_import(
            actor=personas.jijian,
            register="post",
            year=2026,
            file=io.BytesIO(_rewrite(data, xlsm)),
        )
    assert "宏" in caught.value.issues[0].message
    assert not RiskPoint.objects.exists()


def test_it_refuses_an_oversized_file(personas, org, settings):
    settings.IMPORT_MAX_BYTES = 1024
    issues = _refusal(personas.jijian, Register.POST, [_row()] * 20)
    assert issues[0].field == "file"
    assert "文件过大" in issues[0].message


def test_it_refuses_a_file_with_too_many_rows(personas, org, settings):
    settings.IMPORT_MAX_ROWS = 2
    issues = _refusal(personas.jijian, Register.POST, [_row(title=f"风险{n}") for n in range(3)])
    assert [(i.row, i.field) for i in issues] == [(5, "file")]
    assert "2 行" in issues[0].message
    assert not RiskPoint.objects.exists()


def test_it_refuses_merged_header_cells_naming_the_columns(personas, org):
    wb = _book(Register.POST, [_row()])
    wb.active.merge_cells("C2:D2")
    with pytest.raises(ImportRefused) as caught:
        register_import(actor=personas.jijian, register="post", year=2026, file=_bytes(wb))
    issues = caught.value.issues
    assert [i.column for i in issues] == ["C", "D"]
    assert all("合并单元格" in i.message and i.row == 2 for i in issues)


def test_it_refuses_merged_data_cells(personas, org):
    wb = _book(Register.POST, [_row(), _row(unit=None)])
    wb.active.merge_cells("B3:B4")
    issues = _refusal_of(personas.jijian, wb)
    assert [(i.row, i.column, i.field) for i in issues] == [(3, "B", "merged")]
    assert "B3:B4" in issues[0].message


def _refusal_of(user, wb, register="post"):
    with pytest.raises(ImportRefused) as caught:
        register_import(actor=user, register=register, year=2026, file=_bytes(wb))
    return caught.value.issues


def test_it_refuses_missing_and_renamed_headers_naming_the_column_letter(personas, org):
    header = _headers(Register.POST)
    header[3] = "岗位"
    header[6] = None
    issues = _refusal(personas.jijian, Register.POST, [_row()], header=header)
    assert [(i.row, i.column, i.field) for i in issues] == [(2, "D", "header"), (2, "G", "header")]
    assert issues[0].message == "D列表头应为“岗位名称”，实为“岗位”。"
    assert issues[1].message == "G列缺少表头，应为“职权内容/涉及环节”。"


@pytest.mark.parametrize("year", ["2026-01-01", datetime(2026, 1, 1), "26", "二〇二六", 20261])
def test_it_refuses_a_year_in_the_wrong_format(personas, org, year):
    (issue,) = _refusal(personas.jijian, Register.POST, [_row(year=year)])
    assert (issue.row, issue.column, issue.header, issue.field) == (3, "P", "年度", "year")
    assert "四位数字年份" in issue.message


@pytest.mark.parametrize("year", [2026, "2026", "2026年", 2024.0, None])
def test_it_accepts_a_four_digit_year_and_imports_into_the_chosen_year(personas, org, year):
    _import(personas.jijian, Register.POST, [_row(year=year)], year=2030)
    assert RiskPoint.objects.get().year == 2030


def test_it_refuses_a_category_the_register_does_not_have(personas, org):
    (issue,) = _refusal(personas.jijian, Register.POST, [_row(category="重大决策")])
    assert (issue.row, issue.column, issue.field) == (3, "H", "category")
    assert "思想道德、制度机制、岗位职责、业务流程、外部环境" in issue.message


@pytest.mark.parametrize("level", ["4", 0, "特级", "一级（低）", True, 1.5])
def test_it_refuses_a_level_outside_one_to_three(personas, org, level):
    (issue,) = _refusal(personas.jijian, Register.POST, [_row(level=level)])
    assert (issue.column, issue.field) == ("K", "level")
    assert "1、2、3" in issue.message


def test_it_imports_a_blank_level_as_an_ungraded_risk(personas, org):
    _import(personas.jijian, Register.POST, [_row(level=None), _row(level="  ", title="二")])
    assert list(RiskPoint.objects.values_list("level", "assessed_on")) == [(None, None)] * 2


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (1, 1),
        ("2", 2),
        (3.0, 3),
        ("一级", 1),
        ("二 级", 2),
        ("高", 1),
        ("中", 2),
        ("低", 3),
        ("三级（低）", 3),
        ("一级(高)", 1),
    ],
)
def test_it_accepts_the_level_in_any_of_its_names(personas, org, level, expected):
    _import(personas.jijian, Register.POST, [_row(level=level)])
    assert RiskPoint.objects.get().level == expected


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("unit", "不存在局", "单位“不存在局”不存在或不在您的数据权限范围内。"),
        ("department", "审计科", "科室“审计科”不在单位“市局”中或不在您的数据权限范围内。"),
        ("post", "出纳员", "岗位“出纳员”不在科室“财务科”中或不在您的数据权限范围内。"),
        ("person", "钱会计", "人员“钱会计”不存在或不在您的数据权限范围内。"),
        ("responsible_person", "孙某", "人员“孙某”不存在或不在您的数据权限范围内。"),
    ],
)
def test_it_refuses_unknown_names_naming_row_and_column(personas, org, key, value, message):
    issues = _refusal(personas.jijian, Register.POST, [_row(), _row(**{key: value})])
    assert [(i.row, i.field, i.message) for i in issues] == [(4, key, message)]
    assert issues[0].column == cols.letter([c.key for c in cols.COLUMNS[Register.POST]].index(key))
    assert not RiskPoint.objects.exists()


def test_it_resolves_names_only_inside_the_users_scope(personas, org):
    row = _row(department="审批科", post="审批员", person="周审批", responsible_person="周审批")
    assert _import(personas.jijian, Register.POST, [row]) == 1
    issues = _refusal(personas.dept_head, Register.POST, [row])
    assert [i.field for i in issues] == ["department", "responsible_person"]


def test_it_refuses_rows_outside_the_users_scope_even_with_visible_names(personas, org):
    # A staff member sees their unit (and themselves) but not the unit's own form.
    row = {
        "unit": "市局",
        "category": "重大决策",
        "title": "未经集体研究",
        "manifestation": "个人决定",
        "level": 1,
        "measures": "集体决策",
        "responsible_person": "陈会计",
    }
    issues = _refusal(personas.staff, Register.UNIT, [row])
    assert [(i.row, i.field) for i in issues] == [(3, "scope")]
    assert not RiskPoint.objects.exists()
    assert not RiskPoint.history.exists()
    assert not AuditEntry.objects.exists()


def test_it_lets_only_someone_who_may_file_a_risk_import(client, personas, org):
    nobody = UserFactory(username="no_person", roles=[Role.STAFF])  # an account, no person
    client.force_login(nobody)
    upload = _bytes(_book(Register.POST, [_row()]))
    upload.name = "form.xlsx"
    assert client.post(f"{API}/post/import", {"year": 2026, "file": upload}).status_code == 403
    upload.seek(0)
    assert client.post(f"{PAGES}/post/import/", {"year": 2026, "file": upload}).status_code == 403
    assert not RiskPoint.objects.exists()


def test_it_refuses_an_ambiguous_name_and_accepts_it_with_the_staff_number(personas, org):
    twin = PersonFactory(name="陈会计", department=org.finance, staff_no="S-TWIN")
    issues = _refusal(
        personas.jijian, Register.POST, [_row(person="刘出纳", responsible_person="陈会计")]
    )
    (issue,) = issues
    assert (issue.row, issue.field) == (3, "responsible_person")
    assert "2 人同名" in issue.message and "S-TWIN" in issue.message
    _import(personas.jijian, Register.POST, [_row(responsible_person="陈会计（S-TWIN）")])
    assert RiskPoint.objects.get().responsible_person == twin


def test_it_narrows_a_shared_name_to_the_holder_of_the_post(personas, org):
    PersonFactory(name="陈会计", department=org.approval)
    _import(personas.jijian, Register.POST, [_row()])
    assert RiskPoint.objects.get().person == org.people.staff


@pytest.mark.parametrize(
    ("measures", "message"),
    [
        (None, "请填写防控措施。"),
        ("  \n ", "请填写防控措施。"),
        ("1. 有内容\n2.", "第 2 行措施内容为空。"),
        ("【制度】", "第 1 行措施内容为空。"),
        ("【宣传】搞活动", "类型标签“【宣传】”无效"),
    ],
)
def test_it_refuses_a_row_without_a_measure(personas, org, measures, message):
    (issue,) = _refusal(personas.jijian, Register.POST, [_row(measures=measures)])
    assert (issue.column, issue.field) == ("L", "measures")
    assert message in issue.message


def test_it_refuses_formula_cells_and_never_evaluates_them(personas, org):
    wb = _book(Register.POST, [_row(title='=CONCAT("风","险")')])
    assert wb.active["I3"].data_type == "f"
    issues = _refusal_of(personas.jijian, wb)
    assert [(i.row, i.column, i.field) for i in issues] == [(3, "I", "title")]
    assert issues[0].message == "不接受公式，请直接填写内容。"


def test_it_lists_every_problem_and_writes_nothing_when_one_row_is_bad(personas, org):
    rows = [_row(), _row(level=9, category="天气"), _row(), _row(title="")]
    issues = _refusal(personas.jijian, Register.POST, rows)
    assert [(i.row, i.column, i.header) for i in issues] == [
        (4, "H", "风险类别"),
        (4, "K", "风险等级"),
        (6, "I", "风险点"),
    ]
    assert not RiskPoint.objects.exists()
    assert not Measure.objects.exists()
    assert not AuditEntry.objects.exists()


def test_it_orders_the_problems_by_row_and_column(personas, org):
    rows = [
        _row(level="九级"),
        _row(person="无此人", level="八级"),
        _row(responsible_person="某某"),
    ]
    issues = _refusal(personas.jijian, Register.POST, rows)
    assert [(i.row, i.column) for i in issues] == [(3, "K"), (4, "E"), (4, "K"), (5, "M")]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1. 甲\n2、乙\n(3) 丙\n（4）丁\n⑤戊\n六、己", ["甲", "乙", "丙", "丁", "戊", "己"]),
        ("1.5倍以上的处罚须集体讨论", ["1.5倍以上的处罚须集体讨论"]),
        ("2024年起执行新规\r\n\r\n 3) 复核", ["2024年起执行新规", "复核"]),
    ],
)
def test_it_splits_measures_by_line_and_strips_the_numbering(cell, expected):
    assert [content for _kind, content in cols.parse_measures(cell)] == expected


def test_it_reads_the_measure_type_from_its_tag():
    parsed = cols.parse_measures(
        "1. 【教育】甲\n2.【制度】乙\n【流程】丙\n【监督】丁\n【科技】戊\n己"
    )
    assert [kind for kind, _content in parsed] == [
        "education",
        "rules",
        "process",
        "supervision",
        "technology",
        "other",
    ]


# API


def test_it_answers_the_import_api_with_the_created_count(client, personas, org):
    client.force_login(personas.jijian)
    upload = _bytes(_book(Register.POST, [_row()]))
    upload.name = "form.xlsx"
    response = client.post(f"{API}/post/import", {"year": 2026, "file": upload})
    assert response.status_code == 201
    assert response.json() == {"created": 1}


def test_it_answers_the_import_api_with_the_error_list(client, personas, org):
    client.force_login(personas.jijian)
    upload = _bytes(_book(Register.POST, [_row(), _row(level="五级")]))
    upload.name = "form.xlsx"
    response = client.post(f"{API}/post/import", {"year": 2026, "file": upload})
    assert response.status_code == 400
    body = response.json()
    assert "未写入任何数据" in body["detail"]
    (error,) = body["errors"]
    assert error["row"] == 4
    assert error["column"] == "K"
    assert error["header"] == "风险等级"
    assert error["field"] == "level"
    assert "五级" in error["message"]


def test_it_scopes_and_guards_the_api(client, personas, org):
    _post_risk(org, title="财务科的风险")
    client.force_login(personas.auditor)
    assert client.get(f"{API}/post/export.xlsx", {"year": 2026}).status_code == 403
    assert client.get(f"{API}/post/template.xlsx").status_code == 403
    client.force_login(personas.dept_head)
    response = client.get(f"{API}/post/export.xlsx", {"year": 2026, "department": org.approval.pk})
    assert response.status_code == 404  # a department outside the scope does not exist
    response = client.get(f"{API}/post/export.xlsx", {"year": 2026})
    assert response.status_code == 200
    assert _workbook(response).worksheets[0]["I3"].value == "财务科的风险"
    assert client.get(f"{API}/nonsense/template.xlsx").status_code == 400


# Pages


@pytest.mark.parametrize(
    ("persona", "status"),
    [("jijian", 200), ("staff", 200), ("dept_head", 200), ("auditor", 403), ("sysadmin", 403)],
)
def test_it_opens_the_register_pages_to_the_roles_that_may_see_risks(
    client, personas, persona, status
):
    client.force_login(getattr(personas, persona))
    for path in ("/", "/post/", "/unit/print/", "/department/import/"):
        assert client.get(f"{PAGES}{path}").status_code == status


def test_it_answers_404_for_an_unknown_register(client, personas):
    client.force_login(personas.jijian)
    assert client.get(f"{PAGES}/nonsense/").status_code == 404
    assert client.get(f"{PAGES}/nonsense/export.xlsx").status_code == 404


def test_it_lists_the_three_forms_with_counts_and_actions(client, personas, org):
    _post_risk(org)
    _post_risk(org)
    RiskPointFactory(register=Register.UNIT, unit=org.bureau)
    client.force_login(personas.jijian)
    html = client.get(f"{PAGES}/?year=2026").text
    for register in Register:
        assert str(register.label) in html
        for action in ("print/", "export.xlsx", "export.docx", "template.xlsx", "import/"):
            assert f"{PAGES}/{register.value}/{action}" in html
    for label in ("查看", "打印", "导出Excel", "导出Word", "下载模板", "导入", "正在生成…"):
        assert label in html
    counts = [int(n) for n in __import__("re").findall(r'<td class="num">(\d+)</td>', html)]
    assert counts == [2, 0, 1]


def test_it_shows_the_form_on_screen_page_by_page(client, personas, org):
    risk = _post_risk(org, title="审核<b>把关</b>不严")
    MeasureFactory(risk=risk, content="逐笔审核")
    client.force_login(personas.jijian)
    html = client.get(f"{PAGES}/post/?year=2026").text
    assert "市局2026年度个人岗位廉政风险防控登记表" in html
    assert "审核&lt;b&gt;把关&lt;/b&gt;不严" in html
    assert "1. 逐笔审核" in html
    assert "王局长" not in html  # level 2: the leader in charge
    assert "李副局长" in html


def test_it_shows_and_prints_the_form_in_a_constant_number_of_queries(client, personas, org):
    client.force_login(personas.jijian)
    MeasureFactory(risk=_post_risk(org))

    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    before = [queries(f"{PAGES}/post/?year=2026"), queries(f"{PAGES}/post/print/?year=2026")]
    for _ in range(10):
        MeasureFactory(risk=_post_risk(org))
    after = [queries(f"{PAGES}/post/?year=2026"), queries(f"{PAGES}/post/print/?year=2026")]
    assert after == before


def test_it_prints_the_form_on_a4_landscape_without_inline_styles_or_scripts(client, personas, org):
    for n in range(3):
        _post_risk(org, title=f"风险{n}")
    client.force_login(personas.jijian)
    html = client.get(f"{PAGES}/post/print/?year=2026").text
    assert "<title>市局2026年度个人岗位廉政风险防控登记表</title>" in html
    assert "registers.css" in html and "registers.js" in html
    assert "style=" not in html and "<style" not in html
    assert "<script>" not in html and "onclick" not in html
    assert html.count('<td class="c-seq">') == 3
    css = (STATIC / "registers.css").read_text()
    assert "size: A4 landscape" in css
    assert "SimSun" in css and "Noto Serif CJK SC" in css


def test_it_asks_to_filter_a_form_too_long_to_print(client, personas, org, monkeypatch):
    monkeypatch.setattr("lianfang.risks.register_views.PRINT_MAX_ROWS", 2)
    for _ in range(3):
        _post_risk(org)
    client.force_login(personas.jijian)
    html = client.get(f"{PAGES}/post/print/?year=2026").text
    assert "超过打印视图的上限 2 条" in html
    assert '<td class="c-seq">' not in html


def test_it_imports_from_the_page_with_htmx_and_shows_the_errors(client, personas, org):
    client.force_login(personas.jijian)
    upload = _bytes(_book(Register.POST, [_row(level="九级")]))
    upload.name = "form.xlsx"
    response = client.post(
        f"{PAGES}/post/import/", {"year": 2026, "file": upload}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text  # the panel only
    assert "未写入任何数据" in response.text
    assert "第 3 行" in response.text and "K 风险等级" in response.text
    assert not RiskPoint.objects.exists()


def test_it_imports_from_the_page_without_javascript(client, personas, org):
    client.force_login(personas.jijian)
    upload = _bytes(_book(Register.POST, [_row()]))
    upload.name = "form.xlsx"
    response = client.post(f"{PAGES}/post/import/", {"year": 2027, "file": upload})
    assert response.status_code == 200
    assert "<html" in response.text
    assert "已导入 1 个风险点（2027年度）" in response.text
    assert RiskPoint.objects.get().year == 2027


def test_it_shows_the_upload_progress_hooks_on_the_import_page(client, personas):
    client.force_login(personas.jijian)
    html = client.get(f"{PAGES}/post/import/").text
    assert 'hx-encoding="multipart/form-data"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "<progress" in html
    assert "htmx:xhr:progress" in (STATIC / "registers.js").read_text()


def test_it_drops_an_oversized_upload_while_it_arrives(client, personas, org, settings):
    settings.IMPORT_MAX_BYTES = 2048
    client.force_login(personas.jijian)
    big = SimpleUploadedFile("登记表.xlsx", b"PK" + b"\x00" * 10_000)
    response = client.post("/risks/registers/post/import/", {"year": 2026, "file": big})
    assert response.status_code == 200
    assert "文件超过" in response.text
    assert not RiskPoint.objects.exists()


def test_it_answers_the_api_with_the_size_limit_naming_the_file(client, personas, org, settings):
    settings.IMPORT_MAX_BYTES = 2048
    client.force_login(personas.jijian)
    big = SimpleUploadedFile("登记表.xlsx", b"PK" + b"\x00" * 10_000)
    response = client.post("/api/v1/risks/registers/post/import", {"year": 2026, "file": big})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"
