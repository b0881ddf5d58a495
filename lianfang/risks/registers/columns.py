"""The columns of the three registration forms (登记表), shared by screen, print, export,
template and import, and the cell codecs that turn a risk's values into cell text and back.

The reconciled columns are in DOMAIN.md §2; each register drops the ones that make no sense
for it (no post or filer on the department form, no department on the unit form).
Derived columns (岗位职责, 部门责任人, 责任领导) are exported and ignored on import: graded
responsibility is derived from the organisation, never typed (issue 3, scope item 3).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from django.utils import translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from lianfang.core.text import join_list

from ..models import REGISTER_CATEGORIES, Category, Level, MeasureType, Register


@dataclass(frozen=True)
class Column:
    key: str  # the row dict key and the import field name
    header: str  # lazy: the header cell text
    width: float  # Excel character widths; the print view scales from these
    imported: bool = True  # read on import (derived columns are not)
    required: bool = False  # on import


SEQ = Column("seq", gettext_lazy("序号"), 6, imported=False)
UNIT = Column("unit", gettext_lazy("单位"), 16, required=True)
DEPARTMENT = Column("department", gettext_lazy("科室"), 12, required=True)
POST = Column("post", gettext_lazy("岗位名称"), 12, required=True)
PERSON = Column("person", gettext_lazy("姓名"), 9, required=True)
POST_DUTIES = Column("post_duties", gettext_lazy("岗位职责"), 24, imported=False)
DUTY_LINK = Column("duty_link", gettext_lazy("职权内容/涉及环节"), 20)
CATEGORY = Column("category", gettext_lazy("风险类别"), 10, required=True)
TITLE = Column("title", gettext_lazy("风险点"), 22, required=True)
MANIFESTATION = Column("manifestation", gettext_lazy("风险表现形式"), 32, required=True)
# A blank level is an ungraded risk (still at 自己找), as one filed on screen before grading;
# so a library in the middle of its review exports and imports back whole.
LEVEL = Column("level", gettext_lazy("风险等级"), 9)
MEASURES = Column("measures", gettext_lazy("防控措施"), 40, required=True)
RESPONSIBLE = Column("responsible_person", gettext_lazy("直接责任人"), 10, required=True)
HEAD = Column("department_head", gettext_lazy("部门责任人"), 10, imported=False)
LEADER = Column("leader", gettext_lazy("责任领导"), 10, imported=False)
YEAR = Column("year", gettext_lazy("年度"), 7)

COLUMNS: dict[str, tuple[Column, ...]] = {
    Register.POST: (
        SEQ,
        UNIT,
        DEPARTMENT,
        POST,
        PERSON,
        POST_DUTIES,
        DUTY_LINK,
        CATEGORY,
        TITLE,
        MANIFESTATION,
        LEVEL,
        MEASURES,
        RESPONSIBLE,
        HEAD,
        LEADER,
        YEAR,
    ),
    Register.DEPARTMENT: (
        SEQ,
        UNIT,
        DEPARTMENT,
        DUTY_LINK,
        CATEGORY,
        TITLE,
        MANIFESTATION,
        LEVEL,
        MEASURES,
        RESPONSIBLE,
        HEAD,
        LEADER,
        YEAR,
    ),
    Register.UNIT: (
        SEQ,
        UNIT,
        DUTY_LINK,
        CATEGORY,
        TITLE,
        MANIFESTATION,
        LEVEL,
        MEASURES,
        RESPONSIBLE,
        LEADER,
        YEAR,
    ),
}

# The template's example row; 序号 “示例” marks it, and the importer skips such a row.
EXAMPLE_MARK = gettext_lazy("示例")
EXAMPLES = {
    Register.POST: {
        "unit": gettext_lazy("××局"),
        "department": gettext_lazy("财务科"),
        "post": gettext_lazy("会计"),
        "person": gettext_lazy("张三"),
        "post_duties": gettext_lazy("（由系统按岗位带出，导入时不读取）"),
        "duty_link": gettext_lazy("报销审核"),
        "category": Category.DUTY,
        "title": gettext_lazy("报销审核把关不严"),
        "manifestation": gettext_lazy("对不合规票据予以报销，或为他人虚报冒领提供便利。"),
        "level": Level.TWO,
        "measures": [
            (MeasureType.RULES, gettext_lazy("严格执行财务报销制度，逐笔审核原始凭证")),
            (MeasureType.SUPERVISION, gettext_lazy("科室负责人每月抽查报销凭证")),
        ],
        "responsible_person": gettext_lazy("张三"),
    },
    Register.DEPARTMENT: {
        "unit": gettext_lazy("××局"),
        "department": gettext_lazy("行政审批科"),
        "duty_link": gettext_lazy("行政许可受理与审批"),
        "category": Category.PROCESS,
        "title": gettext_lazy("审批环节自由裁量空间大"),
        "manifestation": gettext_lazy("对申请材料选择性审查，故意拖延或违规审批。"),
        "level": Level.ONE,
        "measures": [
            (MeasureType.PROCESS, gettext_lazy("公开审批流程和时限，实行限时办结")),
            (MeasureType.TECHNOLOGY, gettext_lazy("审批全程网上留痕，纳入电子监察")),
        ],
        "responsible_person": gettext_lazy("李四"),
    },
    Register.UNIT: {
        "unit": gettext_lazy("××局"),
        "duty_link": gettext_lazy("大额资金使用决策"),
        "category": Category.LARGE_FUND,
        "title": gettext_lazy("大额资金未经集体决策"),
        "manifestation": gettext_lazy("个人或少数人决定大额资金使用，规避集体研究。"),
        "level": Level.ONE,
        "measures": [
            (MeasureType.RULES, gettext_lazy("执行“三重一大”集体决策制度")),
            (MeasureType.SUPERVISION, gettext_lazy("纪检监察全程参与监督")),
        ],
        "responsible_person": gettext_lazy("王五"),
    },
}


def register_of(value: str) -> Register | None:
    try:
        return Register(value)
    except ValueError:
        return None


def title(register: str, year: int, unit_name: str = "") -> str:
    """“云溪区文广旅体局2026年度个人岗位廉政风险防控登记表”."""
    return _("%(unit)s%(year)d年度%(register)s") % {
        "unit": unit_name,
        "year": year,
        "register": Register(register).label,
    }


def letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(65 + rest) + text
    return text


# --- cell codecs -----------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read; the message names what is wrong, in the user's language."""


def _per_language(build):
    """Memoise a lookup table built from translated labels, once per active language."""

    @cache
    def built(language):
        return build()

    return lambda: built(get_language())


def both_languages(label) -> set[str]:
    """A lazy label as the user's language shows it and as the Chinese source reads."""
    with translation.override("zh-hans"):
        source = str(label)
    return {str(label), source}


# A control character in cell text, as Excel and XlsxWriter store it (“_x000D_” for a carriage
# return, ECMA-376 ST_Xstring); openpyxl hands the escape over as it is.
_CONTROL = re.compile(r"_x00([01][0-9A-Fa-f])_")


def unescape(text: str) -> str:
    """Cell text with its escaped control characters turned back into characters."""
    return _CONTROL.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x00" in text else text


def squash(text: str) -> str:
    return re.sub(r"\s+", "", str(text)).replace("(", "（").replace(")", "）")


def header_matches(cell, column: Column) -> bool:
    return cell is not None and squash(cell) in {squash(h) for h in both_languages(column.header)}


# The cell texts of the codes are translated once per language, not once per cell: an export
# of 100,000 rows spent as long translating labels as reading the rows.
@_per_language
def _level_texts() -> dict[int, str]:
    return {level.value: str(level.label) for level in Level}


def level_text(level) -> str:
    return _level_texts()[level] if level else ""


_LEVEL_WORDS = {
    "1": 1,
    "2": 2,
    "3": 3,
    "一": 1,
    "二": 2,
    "三": 3,
    "一级": 1,
    "二级": 2,
    "三级": 3,
    "1级": 1,
    "2级": 2,
    "3级": 3,
    "高": 1,
    "中": 2,
    "低": 3,
}


@_per_language
def _level_words() -> dict[str, int]:
    words = dict(_LEVEL_WORDS)
    for level in Level:
        for text in both_languages(level.label):
            words[squash(text).lower()] = level.value
    # “一级（高）”, “一级(高)”: a grade and the matching word together.
    for grade, level in (("一级", 1), ("二级", 2), ("三级", 3)):
        word = "高中低"[level - 1]
        words[f"{grade}（{word}）"] = level
        words[f"{grade}{word}"] = level
    return words


def parse_level(value) -> int | None:
    """1/2/3, 一级/二级/三级, 高/中/低 (and the export's “一级（高）”) are the same scale;
    a blank cell is “not graded yet” (None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(_("风险等级只能是 1、2、3（一级/二级/三级，或高/中/低）。"))
    if isinstance(value, int | float) and value in (1, 2, 3):
        return int(value)
    level = _level_words().get(squash(value).lower()) if isinstance(value, str) else None
    if level is None:
        raise CellError(
            _("风险等级“%(v)s”无效，只能是 1、2、3（一级/二级/三级，或高/中/低）。") % {"v": value}
        )
    return level


@_per_language
def _category_texts() -> dict[str, str]:
    return {category.value: str(category.label) for category in Category}


def category_text(category: str) -> str:
    return _category_texts()[category] if category else ""


# Names seen on local forms for the same category (DOMAIN.md §2).
CATEGORY_ALIASES = {
    "工作流程": Category.PROCESS,
    "业务流程/工作流程": Category.PROCESS,
    "工作流程/业务流程": Category.PROCESS,
    "岗位职责风险": Category.DUTY,
}


def category_labels(register: str) -> str:
    return join_list(c.label for c in REGISTER_CATEGORIES[register])


@_per_language
def _category_names() -> dict[str, str]:
    names = {squash(alias): category.value for alias, category in CATEGORY_ALIASES.items()}
    for category in Category:
        names[category.value] = category.value
        for text in both_languages(category.label):
            names[squash(text)] = category.value
    return names


def parse_category(value, register: str) -> str:
    code = _category_names().get(squash(value)) if value is not None else None
    if code is not None and code in REGISTER_CATEGORIES[register]:
        return code
    raise CellError(
        _("风险类别“%(v)s”不属于%(register)s，只能是：%(allowed)s。")
        % {"v": value, "register": Register(register).label, "allowed": category_labels(register)}
    )


@_per_language
def _type_labels() -> dict[str, str]:
    labels = {}
    for kind in MeasureType:
        for text in both_languages(kind.label):
            labels[text] = kind.value
    return labels


@_per_language
def _type_tags() -> dict[str, str]:
    return {
        kind.value: "" if kind == MeasureType.OTHER else f"【{kind.label}】" for kind in MeasureType
    }


def measures_text(measures) -> str:
    """“1. 【制度】…” one per line; the tag is left out for type “other”. A measure's own line
    breaks become spaces, or the importer would read them as two measures."""
    tags = _type_tags()
    return "\n".join(
        f"{number}. {tags[kind]}{' '.join(str(content).split())}"
        for number, (kind, content) in enumerate(measures, 1)
    )


# “1.”, “1、”, “1）”, “(1)”, “（1）”, “①”, “一、”: the numbering people type before a measure.
_NUMBERING = re.compile(
    r"^(?:[(（]\s*\d{1,3}\s*[)）]|\d{1,3}\s*[.．、)）](?!\d)|[①-⑳]|[一二三四五六七八九十]{1,3}、)\s*"
)
_TAG = re.compile(r"^【\s*([^】]{1,10}?)\s*】\s*")


def parse_measures(value) -> list[tuple[str, str]]:
    """The 防控措施 cell as [(type, content)]: one measure per line, numbering stripped, type
    from a leading 【教育】/【制度】/【流程】/【监督】/【科技】 tag, else “other”."""
    text = "" if value is None else unescape(str(value))
    measures = []
    types = _type_labels()
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), 1):
        line = line.strip()
        if not line:
            continue
        content = _NUMBERING.sub("", line, count=1)
        kind = MeasureType.OTHER.value
        tag = _TAG.match(content)
        if tag:
            if tag.group(1) not in types:
                raise CellError(
                    _("第 %(n)d 行措施的类型标签“【%(tag)s】”无效，只能是：%(allowed)s。")
                    % {
                        "n": number,
                        "tag": tag.group(1),
                        "allowed": join_list(f"【{t.label}】" for t in MeasureType),
                    }
                )
            kind = types[tag.group(1)]
            content = content[tag.end() :]
        content = content.strip()
        if not content:
            raise CellError(_("第 %(n)d 行措施内容为空。") % {"n": number})
        measures.append((kind, content))
    if not measures:
        raise CellError(_("至少须填写一项防控措施。"))
    return measures


def parse_year(value) -> int | None:
    """年度: a 4-digit year (2026, “2026”, “2026年”); a date or anything else is refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime | date | bool):
        raise CellError(_("年度须为四位数字年份（如 2026），不能是日期。"))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})\s*年?(?:度)?", text)
    if not match or not 1900 <= int(match.group(1)) <= 2999:
        raise CellError(_("年度“%(v)s”格式不正确，须为四位数字年份（如 2026）。") % {"v": value})
    return int(match.group(1))


# “张三（S00012）”: a name with the staff number that settles which 张三 is meant.
_NAME_WITH_NO = re.compile(r"^(?P<name>[^（(]+?)\s*[（(]\s*(?P<no>[A-Za-z0-9_-]+)\s*[)）]$")


def parse_name(value) -> tuple[str, str]:
    """(name, staff number or "")."""
    text = " ".join(str(value).split()) if value is not None else ""
    match = _NAME_WITH_NO.match(text)
    if match:
        return match.group("name"), match.group("no")
    return text, ""
