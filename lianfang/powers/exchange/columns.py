"""The columns of the power list as a spreadsheet, and the cell codecs both ways.

A column's key is the PowerItem field it fills, so a ValidationError from the services names
the column it belongs to. Legal bases and responsibility items are one per line inside a cell,
in the form `powers.texts` reads and writes; 承办岗位 lists post names separated by “、”.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.core.text import join_list
from lianfang.risks.registers.columns import CellError, Column, both_languages, squash

from .. import texts
from ..models import Category, Decision

COLUMNS: tuple[Column, ...] = (
    Column("code", gettext_lazy("事项编码"), 19, required=True),
    Column("name", gettext_lazy("事项名称"), 26, required=True),
    Column("category", gettext_lazy("权力类别"), 11, required=True),
    Column("parent", gettext_lazy("所属事项编码"), 19),
    Column("unit", gettext_lazy("实施主体"), 16, required=True),
    Column("department", gettext_lazy("承办机构"), 12, required=True),
    Column("posts", gettext_lazy("承办岗位"), 14),
    Column("basis_set", gettext_lazy("设定依据"), 40),
    Column("basis_implement", gettext_lazy("实施依据"), 40),
    Column("responsibilities", gettext_lazy("责任事项"), 40),
    Column("accountability", gettext_lazy("追责情形"), 30),
    Column("legal_limit", gettext_lazy("法定时限（工作日）"), 10),
    Column("promised_limit", gettext_lazy("承诺时限（工作日）"), 10),
    Column("fee_basis", gettext_lazy("收费依据"), 20),
    Column("fee_standard", gettext_lazy("收费标准"), 16),
    Column("fee_amount", gettext_lazy("收费金额（元）"), 10),
    Column("supervision_phone", gettext_lazy("监督电话"), 14),
    Column("relief", gettext_lazy("救济渠道"), 26),
    Column("decision", gettext_lazy("清理意见"), 8),
    Column("decision_year", gettext_lazy("清理年度"), 8, required=True),
    Column("decision_reason", gettext_lazy("清理理由"), 24),
    Column("procedure_ref", gettext_lazy("法定程序文号"), 18),
    Column("published", gettext_lazy("是否公开"), 8),
)
BY_KEY = {c.key: c for c in COLUMNS}
INDEX = {c.key: i for i, c in enumerate(COLUMNS)}

# The Word export prints the columns a reader of the list looks for.
DOCX_KEYS = (
    "code",
    "name",
    "category",
    "unit",
    "department",
    "posts",
    "basis_set",
    "basis_implement",
    "legal_limit",
    "promised_limit",
    "fee_standard",
    "decision",
)

# What each column holds, for the 填写说明 sheet of the template.
NOTES = {
    "code": gettext_lazy("按编码规则填写；系统中已有该编码的事项按本行内容更新，否则新增。"),
    "name": gettext_lazy("事项的规范名称，行政处罚事项一般写作“对××的处罚”。"),
    "category": gettext_lazy("填写权力类别名称，可选：%(labels)s。"),
    "parent": gettext_lazy(
        "子项填写所属主项的事项编码（主项可在本文件中，也可已在系统中）；主项留空。"
    ),
    "unit": gettext_lazy("实施该事项的单位，填写单位全称或简称。"),
    "department": gettext_lazy("实施主体的内设机构名称。"),
    "posts": gettext_lazy("承办机构中的岗位名称，多个岗位用“、”分隔，可不填。"),
    "basis_set": gettext_lazy(
        "每行一条：《文件名称》第×条：条文摘录；如“《营业性演出管理条例》第六条：……”。"
    ),
    "basis_implement": gettext_lazy("格式同设定依据。保留、调整、新设的事项至少填写一条依据。"),
    "responsibilities": gettext_lazy("每行一条：环节：责任内容；如“受理责任：……”。"),
    "accountability": gettext_lazy("应当追究责任的情形。"),
    "legal_limit": gettext_lazy("法律法规规定的办理时限，填写工作日数（整数），无法定时限的留空。"),
    "promised_limit": gettext_lazy("对社会承诺的办理时限（工作日数），不得超过法定时限。"),
    "fee_basis": gettext_lazy("收费的法律法规或文件依据；收费的事项必须填写。"),
    "fee_standard": gettext_lazy("收费标准的文字说明。"),
    "fee_amount": gettext_lazy("收费金额，以元为单位，最多两位小数；不收费的留空或填“不收费”。"),
    "supervision_phone": gettext_lazy("受理投诉、监督的电话。"),
    "relief": gettext_lazy("行政复议、行政诉讼等救济途径。"),
    "decision": gettext_lazy("保留、调整、新设或取消；留空按“保留”处理。"),
    "decision_year": gettext_lazy("作出清理意见的年度，四位数字，如 2026。"),
    "decision_reason": gettext_lazy("清理意见的理由；取消的事项必须填写。"),
    "procedure_ref": gettext_lazy(
        "新设事项、恢复已取消的事项，或与已取消事项同名、同依据的事项，须填写批准文件文号。"
    ),
    "published": gettext_lazy("是或否；留空按“否”处理。已取消的事项不能公开。"),
}

EXAMPLE = {
    "name": gettext_lazy("营业性演出审批"),
    "category": Category.LICENSE.label,
    "unit": gettext_lazy("××区文化和旅游局"),
    "department": gettext_lazy("行政审批科"),
    "posts": gettext_lazy("审批员、科长"),
    "basis_set": gettext_lazy(
        "《营业性演出管理条例》第六条：文艺表演团体申请从事营业性演出活动，"
        "应当向县级人民政府文化主管部门提出申请。"
    ),
    "basis_implement": gettext_lazy("《营业性演出管理条例实施细则》第八条"),
    "responsibilities": gettext_lazy(
        "受理责任：公示应当提交的材料，一次性告知补正材料。\n"
        "审查责任：对申请材料进行审查，提出审查意见。\n"
        "决定责任：作出准予或不予许可的决定，不予许可的说明理由。"
    ),
    "accountability": gettext_lazy(
        "对符合条件的申请不予受理、不予许可或者不在法定期限内作出决定的。"
    ),
    "legal_limit": 20,
    "promised_limit": 10,
    "fee_amount": gettext_lazy("不收费"),
    "supervision_phone": "0000-12345678",
    "relief": gettext_lazy("依法申请行政复议或者提起行政诉讼。"),
    "decision": Decision.KEEP.label,
    "decision_year": 2026,
    "published": gettext_lazy("是"),
}


# --- item → cell -----------------------------------------------------------------------------


def posts_text(names) -> str:
    """Post names joined by “、” whatever the language: it is the file's separator."""
    return "、".join(names)


def yes_no(value: bool) -> str:
    return _("是") if value else _("否")


def cells_of(item: dict, category_labels: dict[str, str], posts: list[str]) -> dict:
    """One exported row: `item` is a `.values()` row of the export query."""
    return {
        **item,
        "category": category_labels.get(item["category"], item["category"]),
        "parent": item["parent__code"] or "",
        "unit": item["unit__name"],
        "department": item["department__name"],
        "posts": posts_text(posts),
        "basis_set": texts.format_bases(item["basis_set"]),
        "basis_implement": texts.format_bases(item["basis_implement"]),
        "responsibilities": texts.format_responsibilities(item["responsibilities"]),
        "decision": str(Decision(item["decision"]).label),
        "published": yes_no(item["published"]),
    }


# --- cell → value ----------------------------------------------------------------------------


def category_names(category_labels: dict[str, str]) -> dict[str, str]:
    """Every name a cell may give a category → its code: the codes, the ten standard labels
    (in the user's language and in Chinese) and the bureau's own labels from the data
    dictionary (which win, since the export writes them)."""
    names = {}
    for category in Category:
        names[category.value] = category.value
        for text in both_languages(category.label):
            names[squash(text)] = category.value
    for code, label in category_labels.items():
        names[squash(label)] = code
    return names


def parse_category(value, names: dict[str, str], category_labels: dict[str, str]) -> str:
    code = names.get(squash(value)) if value is not None else None
    if code is None:
        raise CellError(
            _("权力类别“%(v)s”无效，可填写：%(allowed)s。")
            % {"v": value, "allowed": join_list(category_labels.values())}
        )
    return code


def parse_choice(value, choices, blank: str, header) -> str:
    """A choice cell (清理意见) by its label in either language, or its code; blank → `blank`."""
    text = squash(value) if value is not None else ""
    if not text:
        return blank
    for choice in choices:
        if text == choice.value or text in {squash(t) for t in both_languages(choice.label)}:
            return choice.value
    allowed = join_list(c.label for c in choices)
    raise CellError(
        _("%(h)s“%(v)s”无效，只能是：%(allowed)s。") % {"h": header, "v": value, "allowed": allowed}
    )


_YES = {"是", "公开", "1", "true", "yes", "y"}
_NO = {"", "否", "不公开", "0", "false", "no", "n"}


def parse_yes_no(value, header) -> bool:
    """是/否 (blank is 否)."""
    if value is None or isinstance(value, bool):
        return bool(value)
    text = squash(value).lower()
    if text in _YES or text == squash(_("是")).lower():
        return True
    if text in _NO or text == squash(_("否")).lower():
        return False
    raise CellError(_("%(h)s只能填写“是”或“否”。") % {"h": header})


# Excel keeps 15 significant digits: a longer code typed as a number has lost its last digits.
EXCEL_DIGITS = 15


def parse_code(value, header) -> str:
    """事项编码 as text; a long code that Excel stored as a number is refused, not guessed."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value) if float(value).is_integer() else None
        if number is None or len(str(abs(number))) > EXCEL_DIGITS:
            raise CellError(
                _(
                    "%(h)s被 Excel 存成了数字，超过15位的部分可能已被改动；"
                    "请将该列设为文本格式后重新填写。"
                )
                % {"h": header}
            )
        return str(number)
    return str(value or "").strip()


_DAYS = re.compile(r"(\d{1,5})\s*(?:个)?\s*(?:工作日|日|天)?")


def parse_days(value, header) -> int | None:
    """A time limit in working days: 20, “20”, “20个工作日”; blank is no limit."""
    text = squash(value) if value is not None else ""
    if not text:
        return None
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    match = _DAYS.fullmatch(text) if not isinstance(value, bool) else None
    if match is None or int(match.group(1)) > 32767:
        raise CellError(_("%(h)s须为工作日天数（整数），如 20。") % {"h": header})
    return int(match.group(1))


_NO_FEE = {"无", "不收费", "免费", "—", "-", "/"}


def parse_amount(value, header) -> Decimal | None:
    """收费金额 in yuan; blank or “不收费” is an item that charges nothing."""
    text = squash(value) if value is not None else ""
    if not text or text in _NO_FEE:
        return None
    try:
        amount = Decimal(text.removesuffix("元")) if not isinstance(value, bool) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        raise CellError(_("%(h)s须为不小于 0 的金额（元），如 50 或 12.50。") % {"h": header})
    return amount


_POST_SEPARATORS = re.compile(r"[、，,;；\n\r/]+")


def parse_posts(value) -> list[str]:
    names = [n.strip() for n in _POST_SEPARATORS.split(str(value or "")) if n.strip()]
    return list(dict.fromkeys(names))


def parse_lines(value, parse) -> list[dict]:
    """A cell of bases or responsibility items, through `powers.texts`."""
    try:
        return parse("" if value is None else str(value))
    except texts.LineError as exc:
        raise CellError(str(exc)) from None
