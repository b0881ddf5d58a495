"""The power list through office files: the .xlsx/.docx exports, the import template, the
all-or-nothing import, and a power's flowchart as a Word table and as Mermaid source.

The `org` fixture's 审批科 (approval) of 市局 holds the post 审批员; `personas.legal` (法制工作人员)
may manage the power list of 市局 and its sub-units; `personas.staff` may only read it.
"""

import io
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from docx.enum.section import WD_ORIENT
from openpyxl import Workbook, load_workbook

from lianfang.core.models import AuditEntry, DictItem
from lianfang.powers.exchange import columns as cols
from lianfang.powers.exchange import exports
from lianfang.powers.exchange.importer import power_list_import
from lianfang.powers.models import CATEGORY_DICT, Category, Decision, PowerItem
from lianfang.powers.services import code_help

from .factories import DepartmentFactory, PostFactory, UnitFactory
from .power_factories import PowerItemFactory, RiskLinkFactory, simple_flow
from .risk_factories import MeasureFactory, RiskPointFactory

PAGES = "/powers"
API = "/api/v1/powers/exchange"
HEADERS = [
    "事项编码",
    "事项名称",
    "权力类别",
    "所属事项编码",
    "实施主体",
    "承办机构",
    "承办岗位",
    "设定依据",
    "实施依据",
    "责任事项",
    "追责情形",
    "法定时限（工作日）",
    "承诺时限（工作日）",
    "收费依据",
    "收费标准",
    "收费金额（元）",
    "监督电话",
    "救济渠道",
    "清理意见",
    "清理年度",
    "清理理由",
    "法定程序文号",
    "是否公开",
]
LETTER = {h: chr(65 + i) for i, h in enumerate(HEADERS)}
BASIS = "《营业性演出管理条例》第六条：文艺表演团体申请从事营业性演出活动，应当提出申请。"


def _item(org, **kwargs):
    values = {"department": org.approval, "unit": org.bureau, "posts": [org.posts.approver]}
    return PowerItemFactory(**{**values, **kwargs})


def _workbook(response) -> Workbook:
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _data(ws) -> list[dict]:
    """The data rows of an exported sheet, by header."""
    return [
        dict(zip(HEADERS, row, strict=True))
        for row in ws.iter_rows(min_row=3, values_only=True)
        if any(row)
    ]


def _code(n: int) -> str:
    return f"43990100102{n:03d}00"


def _row(n: int = 1, overrides: dict | None = None) -> dict:
    """A valid row of a licence held by 审批科 of 市局, by header."""
    row = {
        "事项编码": _code(n),
        "事项名称": f"营业性演出审批{n}",
        "权力类别": "行政许可",
        "实施主体": "市局",
        "承办机构": "审批科",
        "承办岗位": "审批员",
        "设定依据": BASIS.replace("第六条", f"第{n}条"),
        "责任事项": "受理责任：一次性告知补正材料。\n决定责任：作出准予或不予许可的决定。",
        "法定时限（工作日）": 20,
        "承诺时限（工作日）": 10,
        "清理意见": "保留",
        "清理年度": 2026,
        "是否公开": "否",
    }
    return {**row, **(overrides or {})}


def _book(rows, *, header=HEADERS, title=True) -> Workbook:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append(["市局权力清单"])
    ws.append(list(header))
    for row in rows:
        ws.append([row.get(h) for h in HEADERS])
    return wb


def _bytes(wb: Workbook) -> io.BytesIO:
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "权力清单.xlsx"
    return out


def _import(user, rows, **book):
    return power_list_import(actor=user, file=_bytes(_book(rows, **book)))


def _snapshot() -> list[dict]:
    """Every item as plain values, keyed by code (ids of new rows differ, so parents by code)."""
    items = PowerItem.objects.order_by("code").select_related("parent").prefetch_related("posts")
    skip = {"id", "parent", "created_at", "updated_at"}
    return [
        {
            **{
                f.attname: getattr(i, f.attname)
                for f in PowerItem._meta.concrete_fields
                if f.name not in skip
            },
            "parent": i.parent.code if i.parent else None,
            "posts": sorted(p.pk for p in i.posts.all()),
        }
        for i in items
    ]


def _counts() -> tuple[int, int]:
    return PowerItem.objects.count(), AuditEntry.objects.count()


# Template


def test_it_offers_a_template_with_an_example_row_and_instructions(client, personas, org):
    client.force_login(personas.staff)
    response = client.get(f"{PAGES}/template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    wb = _workbook(response)
    ws = wb.worksheets[0]
    assert [c.value for c in ws[2]] == HEADERS
    example = ws[3]
    assert example[0].value == "示例"
    assert all(c.font.i for c in example)
    assert ws.max_row == 3
    notes = wb["填写说明"]
    text = "\n".join(str(v) for row in notes.iter_rows(values_only=True) for v in row if v)
    assert code_help() in text
    assert "《文件名称》" in text and "环节：责任内容" in text
    assert "按本行内容更新" in text
    assert "行政许可" in text and "其他行政权力" in text
    assert all(h in text for h in HEADERS)


def test_it_skips_the_example_row_of_an_untouched_template(client, personas, org):
    client.force_login(personas.legal)
    data = b"".join(client.get(f"{PAGES}/template.xlsx").streaming_content)
    result = power_list_import(actor=personas.legal, file=io.BytesIO(data))
    assert [i.message for i in result.issues] == ["文件中没有可导入的数据行。"]


# Export


def _list_of_every_kind(org) -> PowerItem:
    """Six items: a main item with every field and a sub-item, one without time limits, a new
    one set up by procedure, a cancelled one, and one of the sub-unit."""
    main = _item(
        org,
        code=_code(1),
        name="营业性演出审批",
        basis_set=[
            {"document": "《营业性演出管理条例》", "article": "第六条", "excerpt": "申请。"}
        ],
        basis_implement=[
            {"document": "《营业性演出管理条例实施细则》", "article": "第八条第二款", "excerpt": ""}
        ],
        responsibilities=[
            {"stage": "受理责任", "content": "一次性告知补正材料。"},
            {"stage": "决定责任", "content": "作出决定。"},
        ],
        accountability="不在法定期限内作出决定的。\n索取财物的。",
        fee_basis="《收费管理办法》",
        fee_standard="每件50元",
        fee_amount=Decimal("50.50"),
        supervision_phone="0710-1234567",
        relief="行政复议或行政诉讼。",
        published=True,
        decision_reason="有法定依据。",
    )
    main.posts.add(PostFactory(department=org.approval, name="科长"))
    _item(org, code=_code(1)[:-2] + "01", name="营业性演出审批（变更）", parent=main)
    _item(org, code=_code(2), name="娱乐场所审批", legal_limit=None, promised_limit=None, posts=[])
    _item(
        org,
        code=_code(3),
        name="新设的事项",
        decision=Decision.NEW,
        procedure_ref="云政发〔2025〕3号",
        basis_set=[{"document": "《某地方性法规》", "article": "第二条", "excerpt": ""}],
    )
    _item(
        org,
        code=_code(4),
        name="已取消的事项",
        decision=Decision.CANCEL,
        decision_reason="上位法已废止。",
        basis_set=[],
        decision_year=2025,
    )
    _item(
        org,
        code=_code(5),
        name="对擅自从事营业性演出的处罚",
        category=Category.PENALTY,
        unit=org.sub,
        department=org.sub_office,
        posts=[],
    )
    return main


def test_it_exports_the_list_with_the_headers_and_one_row_per_item(client, personas, org):
    _list_of_every_kind(org)
    client.force_login(personas.legal)
    response = client.get(f"{PAGES}/export.xlsx")

    assert response.status_code == 200
    ws = _workbook(response).worksheets[0]
    assert ws["A1"].value == "市局权力清单"
    assert [c.value for c in ws[2]] == HEADERS
    rows = {r["事项名称"]: r for r in _data(ws)}
    assert len(rows) == 6
    main = rows["营业性演出审批"]
    assert main["事项编码"] == _code(1)
    assert main["权力类别"] == "行政许可"
    assert main["实施主体"] == "市局" and main["承办机构"] == "审批科"
    assert main["承办岗位"] == "审批员、科长"
    assert main["设定依据"] == "《营业性演出管理条例》第六条：申请。"
    assert main["实施依据"] == "《营业性演出管理条例实施细则》第八条第二款"
    assert main["责任事项"] == "受理责任：一次性告知补正材料。\n决定责任：作出决定。"
    assert main["收费金额（元）"] == 50.5
    assert main["清理意见"] == "保留" and main["是否公开"] == "是"
    assert main["所属事项编码"] is None
    assert rows["营业性演出审批（变更）"]["所属事项编码"] == _code(1)
    assert rows["已取消的事项"]["清理意见"] == "取消"
    assert rows["已取消的事项"]["设定依据"] is None
    penalty = rows["对擅自从事营业性演出的处罚"]
    assert (penalty["权力类别"], penalty["实施主体"]) == ("行政处罚", "局属中心")


def test_it_sets_the_sheet_up_like_the_registers(client, personas, org):
    _item(org)
    client.force_login(personas.legal)
    ws = _workbook(client.get(f"{PAGES}/export.xlsx")).worksheets[0]
    assert f"A1:{LETTER['是否公开']}1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["B2"].font.b and ws["B2"].font.name == "宋体"
    assert ws["B2"].fill.fgColor.rgb.endswith("D9D9D9")
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$2:$2"


def test_it_filters_the_export_like_the_list_page(client, personas, org):
    _item(org, name="许可事项")
    _item(org, name="处罚事项", category=Category.PENALTY)
    client.force_login(personas.legal)
    ws = _workbook(client.get(f"{PAGES}/export.xlsx", {"category": "penalty"})).worksheets[0]
    assert [r["事项名称"] for r in _data(ws)] == ["处罚事项"]


def test_it_writes_and_reads_the_bureaus_own_category_label(client, personas, org):
    DictItem.objects.filter(dict_type__code=CATEGORY_DICT, code="inspection").update(
        label="行政监督"
    )
    _item(org, category=Category.INSPECTION)
    client.force_login(personas.legal)
    ws = _workbook(client.get(f"{PAGES}/export.xlsx")).worksheets[0]
    assert _data(ws)[0]["权力类别"] == "行政监督"
    rows = [
        _row(1, {"权力类别": "行政监督"}),
        _row(2, {"权力类别": "行政检查"}),
        _row(3, {"权力类别": "inspection"}),
    ]
    result = _import(personas.legal, rows)
    assert result.ok, result.issues
    assert set(PowerItem.objects.values_list("category", flat=True)) == {"inspection"}


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x","点我")', "+86 123", "-1+2", "@SUM(A1)", "\tx", "\rx"]
)
def test_it_neutralises_formula_like_cells_in_the_export(client, personas, org, text):
    _item(org, name=text, accountability="正常文字")
    client.force_login(personas.legal)
    ws = _workbook(client.get(f"{PAGES}/export.xlsx")).worksheets[0]
    name, plain = ws[f"{LETTER['事项名称']}3"], ws[f"{LETTER['追责情形']}3"]
    assert name.value == text
    assert name.data_type == "s"
    assert name.quotePrefix
    assert plain.value == "正常文字"
    assert not plain.quotePrefix


def test_it_exports_in_a_number_of_queries_that_does_not_grow_with_the_rows(personas, org):
    def run():
        with CaptureQueriesContext(connection) as queries:
            count = exports.power_list_xlsx(personas.legal, {}, io.BytesIO())
        return count, len(queries)

    for _ in range(3):
        _item(org)
    run()  # the first audit entry of the database also creates the chain's head
    few = run()
    for _ in range(30):
        _item(org, posts=[org.posts.approver, PostFactory(department=org.approval)])
    many = run()
    assert (few[0], many[0]) == (3, 33)
    assert many[1] == few[1]


def test_it_exports_only_the_items_inside_the_users_scope(client, personas, org):
    _item(org, name="本局事项")
    _item(org, name="局属中心事项", unit=org.sub, department=org.sub_office, posts=[])
    elsewhere = DepartmentFactory(unit=UnitFactory(name="外单位", code="WAI"))
    PowerItemFactory(department=elsewhere, name="外单位事项")
    client.force_login(personas.legal)
    ws = _workbook(client.get(f"{PAGES}/export.xlsx")).worksheets[0]
    assert sorted(r["事项名称"] for r in _data(ws)) == ["局属中心事项", "本局事项"]
    client.force_login(personas.staff)
    document = Document(io.BytesIO(b"".join(client.get(f"{PAGES}/export.docx").streaming_content)))
    names = [row.cells[1].text for row in document.tables[0].rows[1:]]
    assert "外单位事项" not in names and "本局事项" in names


def test_it_audits_each_export_with_its_row_count(client, personas, org):
    _item(org)
    _item(org)
    client.force_login(personas.legal)
    b"".join(client.get(f"{PAGES}/export.docx").streaming_content)
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == personas.legal
    assert entry.object_type == "powers.poweritem"
    assert entry.after["rows"] == 2
    assert entry.after["format"] == "docx"


def test_it_exports_the_word_list_a4_landscape_with_the_main_columns(client, personas, org):
    _item(org, name="营业性演出审批")
    client.force_login(personas.legal)
    response = client.get(f"{PAGES}/export.docx")
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert document.paragraphs[0].text == "市局权力清单"
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        str(cols.BY_KEY[k].header) for k in cols.DOCX_KEYS
    ]
    assert table.rows[1].cells[1].text == "营业性演出审批"
    assert table.rows[0]._tr.trPr.xml.count("tblHeader") == 1


# Round trip


def test_it_round_trips_the_list_through_xlsx_into_an_empty_database(client, personas, org):
    _list_of_every_kind(org)
    before = _snapshot()
    client.force_login(personas.legal)
    exported = b"".join(client.get(f"{API}/export.xlsx").streaming_content)
    PowerItem.objects.filter(parent__isnull=False).delete()
    PowerItem.objects.all().delete()

    upload = io.BytesIO(exported)
    upload.name = "权力清单.xlsx"
    response = client.post(f"{API}/import", {"file": upload})

    assert response.status_code == 200, response.json()
    assert response.json() == {"created": len(before), "updated": 0}
    assert len(before) == 6  # not a vacuous pass
    assert _snapshot() == before


def test_it_updates_the_items_whose_code_is_known(client, personas, org):
    _list_of_every_kind(org)
    before = {i["code"]: i for i in _snapshot()}
    client.force_login(personas.legal)
    wb = _workbook(client.get(f"{PAGES}/export.xlsx"))
    ws = wb.worksheets[0]
    ws[f"{LETTER['事项名称']}3"] = "营业性演出审批（修订）"
    entries = AuditEntry.objects.count()

    result = power_list_import(actor=personas.legal, file=_bytes(wb))

    assert result.ok, result.issues
    assert (result.created, result.updated) == (0, 6)
    after = {i["code"]: i for i in _snapshot()}
    code = ws["A3"].value
    assert after[code]["name"] == "营业性演出审批（修订）"
    assert {c: v for c, v in after.items() if c != code} == {
        c: v for c, v in before.items() if c != code
    }
    assert AuditEntry.objects.count() == entries + 1  # only the changed item is audited


def test_it_imports_a_sub_item_listed_before_its_main_item(personas, org):
    rows = [_row(2, {"所属事项编码": _code(1)}), _row(1)]
    result = _import(personas.legal, rows)
    assert result.ok, result.issues
    sub = PowerItem.objects.get(code=_code(2))
    assert sub.parent.code == _code(1)
    assert list(sub.posts.values_list("name", flat=True)) == ["审批员"]
    assert sub.responsibilities[1] == {"stage": "决定责任", "content": "作出准予或不予许可的决定。"}
    assert AuditEntry.objects.filter(action="create", object_type="powers.poweritem").count() == 2


# Bad rows: each one names its row and column, and nothing at all is written.


@pytest.mark.parametrize(
    ("overrides", "header", "fragment"),
    [
        ({"事项编码": "12345"}, "事项编码", "事项编码格式不符合要求"),
        (
            {"法定时限（工作日）": 10, "承诺时限（工作日）": 15},
            "承诺时限（工作日）",
            "不能超过法定时限",
        ),
        ({"权力类别": "行政命令"}, "权力类别", "权力类别“行政命令”无效"),
        ({"承办机构": "宣传科"}, "承办机构", "承办机构“宣传科”不是实施主体“市局”的内设机构"),
        ({"承办岗位": "审批员、会计"}, "承办岗位", "承办岗位“会计”不在承办机构“审批科”中"),
        ({"设定依据": "营业性演出管理条例第六条"}, "设定依据", "应以《文件名称》开头"),
        ({"设定依据": None}, "设定依据", "没有法律法规依据的事项不能保留"),
        ({"清理意见": "新设"}, "法定程序文号", "新设事项须经法定程序"),
        ({"清理意见": "取消"}, "清理理由", "取消事项须写明取消理由"),
        ({"法定时限（工作日）": "二十天"}, "法定时限（工作日）", "须为工作日天数"),
        ({"所属事项编码": _code(9)}, "所属事项编码", "在本文件和系统中都没有"),
        ({"事项编码": _code(1)}, "事项编码", "与第 3 行重复"),
        ({"实施主体": "外单位"}, "实施主体", "单位“外单位”不存在或不在您的数据权限范围内"),
    ],
)
def test_it_refuses_a_bad_row_naming_its_row_and_column_and_writes_nothing(
    personas, org, overrides, header, fragment
):
    UnitFactory(name="外单位", code="WAI")
    before = _counts()
    result = _import(personas.legal, [_row(1), _row(2, overrides)])
    assert not result.ok
    (issue,) = result.issues
    assert (issue.row, issue.column, issue.header) == (4, LETTER[header], header)
    assert fragment in issue.message
    assert _counts() == before


def test_it_refuses_to_bring_back_a_cancelled_item_by_name_without_a_procedure(personas, org):
    _item(org, name="营业性演出审批2", decision=Decision.CANCEL, decision_reason="已下放。")
    before = _counts()
    result = _import(personas.legal, [_row(1), _row(2)])
    (issue,) = result.issues
    assert (issue.row, issue.header) == (4, "法定程序文号")
    assert "与已取消事项“营业性演出审批2”" in issue.message
    assert _counts() == before
    result = _import(personas.legal, [_row(1), _row(2, {"法定程序文号": "云政发〔2026〕1号"})])
    assert result.ok, result.issues


def test_it_lists_every_problem_of_the_file_in_row_and_column_order(personas, org):
    rows = [
        _row(1, {"权力类别": "行政命令", "法定时限（工作日）": "很快"}),
        _row(2),
        _row(3, {"是否公开": "也许"}),
    ]
    result = _import(personas.legal, rows)
    assert [(i.row, i.header) for i in result.issues] == [
        (3, "权力类别"),
        (3, "法定时限（工作日）"),
        (5, "是否公开"),
    ]
    assert not PowerItem.objects.exists()


def test_it_refuses_a_code_that_excel_stored_as_a_long_number(personas, org):
    result = _import(personas.legal, [_row(1, {"事项编码": 4399010010200100})])
    (issue,) = result.issues
    assert issue.header == "事项编码"
    assert "文本格式" in issue.message


def test_it_refuses_formula_cells(personas, org):
    result = _import(personas.legal, [_row(1, {"事项名称": '=CONCAT("营业","审批")'})])
    (issue,) = result.issues
    assert (issue.row, issue.header) == (3, "事项名称")
    assert "公式" in issue.message


def test_it_refuses_a_renamed_header_naming_the_column(personas, org):
    header = [*HEADERS]
    header[2] = "类别"
    result = _import(personas.legal, [_row(1)], header=header)
    (issue,) = result.issues
    assert issue.column == "C"
    assert "权力类别" in issue.message


@pytest.mark.parametrize(
    "content", [b"\xd0\xcf\x11\xe0 an old .xls", "事项编码,事项名称\n1,审批\n".encode()]
)
def test_it_refuses_a_file_that_is_not_xlsx(personas, org, content):
    result = power_list_import(actor=personas.legal, file=io.BytesIO(content))
    (issue,) = result.issues
    assert issue.field == "file"
    assert ".xlsx" in issue.message


def test_it_refuses_a_macro_enabled_file(personas, org):
    upload = _bytes(_book([_row(1)]))
    with zipfile.ZipFile(upload, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\x00" * 64)
    upload.seek(0)
    result = power_list_import(actor=personas.legal, file=upload)
    assert "宏" in result.issues[0].message
    assert not PowerItem.objects.exists()


# Pages and permissions


def test_it_lets_only_the_power_list_managers_import(client, personas, org):
    client.force_login(personas.staff)
    assert client.get(f"{PAGES}/import/").status_code == 403
    upload = _bytes(_book([_row(1)]))
    assert client.post(f"{PAGES}/import/", {"file": upload}).status_code == 403
    assert client.get(f"{PAGES}/export.xlsx").status_code == 200
    assert not PowerItem.objects.exists()
    client.force_login(personas.legal)
    assert client.get(f"{PAGES}/import/").status_code == 200


def test_it_imports_from_the_page_with_htmx_and_shows_the_errors(client, personas, org):
    client.force_login(personas.legal)
    upload = _bytes(_book([_row(1, {"权力类别": "行政命令"})]))
    response = client.post(f"{PAGES}/import/", {"file": upload}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "未写入任何数据" in response.text
    assert "第 3 行" in response.text and "C 权力类别" in response.text
    assert not PowerItem.objects.exists()


def test_it_imports_from_the_page_without_javascript(client, personas, org):
    _item(org, code=_code(1))
    client.force_login(personas.legal)
    upload = _bytes(_book([_row(1), _row(2)]))
    response = client.post(f"{PAGES}/import/", {"file": upload})
    assert response.status_code == 200
    assert "<html" in response.text
    assert "导入完成：新增 1 个事项，更新 1 个事项。" in response.text


def test_it_shows_the_upload_progress_on_the_import_page(client, personas):
    client.force_login(personas.legal)
    html = client.get(f"{PAGES}/import/").text
    assert 'hx-encoding="multipart/form-data"' in html
    assert "<progress" in html
    assert "registers.js" in html
    assert f"{PAGES}/template.xlsx" in html


# Flowcharts


def _flow_with_risk(org):
    item = _item(org, name="营业性演出审批")
    steps = simple_flow(item)
    steps["accept"].post = org.posts.approver
    steps["accept"].save(update_fields=["post"])
    risk = RiskPointFactory(post=org.posts.approver, title="受理把关不严", level=1)
    MeasureFactory(risk=risk, content="一次性告知\n补正材料")
    MeasureFactory(risk=risk, content="受理情况每周抽查")
    RiskLinkFactory(risk=risk, item=item, step=steps["accept"])
    return item


def test_it_exports_the_flowchart_as_the_three_column_table(client, personas, org):
    item = _flow_with_risk(org)
    client.force_login(personas.legal)
    response = client.get(f"{PAGES}/{item.pk}/flow.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    assert document.paragraphs[0].text == "营业性演出审批权力运行流程图"
    assert item.code in document.paragraphs[1].text
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["工作流程", "廉政风险点", "防控措施"]
    assert len(table.columns) == 3
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [r[0].split("\n")[0] for r in rows] == ["申请", "受理", "审查", "决定", "办结"]
    accept = rows[1]
    assert accept[0] == "受理\n承办岗位：审批员\n办理时限：1个工作日"
    assert accept[1] == "★★★ 受理把关不严"
    assert accept[2] == "1. 一次性告知 补正材料\n2. 受理情况每周抽查"
    assert rows[2][1:] == ["", ""]
    assert AuditEntry.objects.get(action="export").object_id == str(item.pk)


def test_it_downloads_the_mermaid_source(client, personas, org):
    item = _flow_with_risk(org)
    client.force_login(personas.legal)
    response = client.get(f"{PAGES}/{item.pk}/flow.mmd")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    source = b"".join(response.streaming_content).decode()
    assert source.startswith("flowchart TD")
    assert "★★★" in source
    assert AuditEntry.objects.filter(action="export", after__format="mmd").exists()


def test_it_answers_404_for_a_flowchart_outside_the_scope(client, personas, org):
    elsewhere = PowerItemFactory(department=DepartmentFactory(unit=UnitFactory(code="WAI")))
    client.force_login(personas.legal)
    assert client.get(f"{PAGES}/{elsewhere.pk}/flow.docx").status_code == 404
    assert client.get(f"{PAGES}/{elsewhere.pk}/flow.mmd").status_code == 404


# API


def test_it_answers_the_import_api_with_the_counts(client, personas, org):
    client.force_login(personas.legal)
    response = client.post(f"{API}/import", {"file": _bytes(_book([_row(1)]))})
    assert response.status_code == 200
    assert response.json() == {"created": 1, "updated": 0}


def test_it_answers_the_import_api_with_the_error_list(client, personas, org):
    client.force_login(personas.legal)
    upload = _bytes(_book([_row(1), _row(2, {"承诺时限（工作日）": 30})]))
    response = client.post(f"{API}/import", {"file": upload})
    assert response.status_code == 400
    body = response.json()
    assert "未写入任何数据" in body["detail"]
    (error,) = body["errors"]
    assert error["row"] == 4
    assert error["column"] == LETTER["承诺时限（工作日）"]
    assert error["header"] == "承诺时限（工作日）"
    assert "不能超过法定时限" in error["message"]
    assert not PowerItem.objects.exists()


def test_it_guards_the_api(client, personas, org):
    client.force_login(personas.staff)
    assert client.get(f"{API}/export.xlsx").status_code == 200
    assert client.get(f"{API}/template.xlsx").status_code == 200
    response = client.post(f"{API}/import", {"file": _bytes(_book([_row(1)]))})
    assert response.status_code == 403
    client.force_login(personas.sysadmin)
    assert client.get(f"{API}/export.xlsx").status_code == 403
    assert not PowerItem.objects.exists()
