"""One row of an event batch on its own: its fields checked and normalised, and its digest (see
the package docstring for the contract)."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import cache

from django.utils import translation
from django.utils.translation import gettext as _

from lianfang.core import crypto
from lianfang.powers.models import Circumstance

from ..models import NEEDS_REASON, EventKind, Result

FIELDS = (
    "source",
    "event_id",
    "case",
    "kind",
    "at",
    "actor",
    "reason",
    "power_item",
    "applicant",
    "result",
    "fee",
    "penalty_type",
    "penalty_amount",
    "circumstance",
)
MAX_LENGTHS = {
    "source": 50,
    "event_id": 100,
    "case": 100,
    "actor": 100,
    "penalty_type": 100,
    "applicant": 200,
}


@cache
def _by_value_or_label(choices, language: str | None) -> dict[str, str]:
    """Value → value, Chinese label (the msgid) → value, and the label in `language`."""
    table = {str(value): str(value) for value in choices.values}
    for lang in (None, language):
        with translation.override(lang):
            table.update((str(label), str(value)) for value, label in choices.choices)
    return table


def _lookup(choices, text: str) -> str | None:
    return _by_value_or_label(choices, translation.get_language()).get(text)


@dataclass(frozen=True)
class Issue:
    line: int
    field: str
    message: str


@dataclass
class Row:
    line: int
    source: str
    event_id: str
    case_no: str
    kind: str
    at: datetime
    actor: str
    reason: str
    data: dict
    digest: str
    applicant: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return self.source, self.event_id

    @property
    def case_key(self) -> tuple[str, str]:
        return self.source, self.case_no


# --- one row on its own


def _text(raw: dict, name: str) -> str:
    value = raw.get(name)
    if value is None:
        return ""
    if isinstance(value, bool | dict | list):
        raise ValueError(_("应为文本"))
    return str(value).strip()


def parse_time(text: str) -> datetime:
    """An ISO-8601 time with an offset or Z; ValueError with a message otherwise."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        message = _("时间格式不正确，应为带时区的 ISO-8601，如 2026-09-30T10:00:00+08:00")
        raise ValueError(message) from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(_("时间缺少时区，应写明偏移量（如 +08:00）或 Z"))
    return value


def _decimal(text: str, *, places: int = 2) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("应为数字")) from None
    if not value.is_finite():
        raise ValueError(_("应为数字"))
    if value < 0:
        raise ValueError(_("不能为负数"))
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise ValueError(_("最多 %(n)d 位小数") % {"n": places})
    if value >= Decimal(10) ** 10:
        raise ValueError(_("数额过大"))
    return value.quantize(Decimal(1).scaleb(-places))


def parse(raw: dict, line: int, issues: list[Issue]) -> Row | None:
    """The row normalised, or None with its issues appended."""
    found: list[Issue] = []

    def bad(name: str, message: str) -> None:
        found.append(Issue(line, name, str(message)))

    if not isinstance(raw, dict):
        issues.append(Issue(line, "", _("每行应为一个 JSON 对象")))
        return None
    if raw.get("_error"):
        issues.append(Issue(line, "", str(raw["_error"])))
        return None
    text = {}
    for name in FIELDS:
        try:
            text[name] = _text(raw, name)
        except ValueError as exc:
            bad(name, str(exc))
            text[name] = ""
        limit = MAX_LENGTHS.get(name)
        if limit and len(text[name]) > limit:
            bad(name, _("不能超过 %(n)d 个字符") % {"n": limit})
    for name in ("source", "event_id", "case", "kind", "at"):
        if not text[name] and not any(i.field == name for i in found):
            bad(name, _("不能为空"))
    kind = _lookup(EventKind, text["kind"]) if text["kind"] else None
    if text["kind"] and kind is None:
        bad("kind", _("未知的事件类型“%(v)s”") % {"v": text["kind"]})
    at = None
    if text["at"]:
        try:
            at = parse_time(text["at"])
        except ValueError as exc:
            bad("at", str(exc))
    data: dict = {}
    if kind == EventKind.ACCEPT:
        if not text["power_item"]:
            bad("power_item", _("受理事件须填写权力事项编码"))
        if not text["applicant"]:
            bad("applicant", _("受理事件须填写申请人"))
        data["power_item"] = text["power_item"]
    if kind == EventKind.COMPLETE:
        result = _lookup(Result, text["result"]) if text["result"] else None
        if not text["result"]:
            bad("result", _("办结事件须填写办理结果"))
        elif result is None:
            bad("result", _("未知的办理结果“%(v)s”") % {"v": text["result"]})
        else:
            data["result"] = result
        for name in ("fee", "penalty_amount"):
            if text[name]:
                try:
                    data[name] = str(_decimal(text[name]))
                except ValueError as exc:
                    bad(name, str(exc))
        if text["penalty_type"]:
            data["penalty_type"] = text["penalty_type"]
        if text["circumstance"]:
            value = _lookup(Circumstance, text["circumstance"])
            if value is None:
                bad("circumstance", _("未知的违法情节“%(v)s”") % {"v": text["circumstance"]})
            else:
                data["circumstance"] = value
    if kind in NEEDS_REASON and not text["reason"]:
        bad("reason", _("“%(kind)s”须说明理由") % {"kind": EventKind(kind).label})
    if found:
        issues.extend(found)
        return None
    canonical = {
        "source": text["source"],
        "event_id": text["event_id"],
        "case": text["case"],
        "kind": str(kind),
        "at": at.astimezone(UTC).isoformat(),
        "actor": text["actor"],
        "reason": text["reason"],
        **data,
    }
    if text["applicant"] and kind == EventKind.ACCEPT:
        canonical["applicant"] = crypto.blind(text["applicant"])
    canonical = {k: v for k, v in canonical.items() if v != ""}
    payload = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if kind == EventKind.ACCEPT:
        data["applicant"] = mask(text["applicant"])
    return Row(
        line=line,
        source=text["source"],
        event_id=text["event_id"],
        case_no=text["case"],
        kind=str(kind),
        at=at,
        actor=text["actor"],
        reason=text["reason"],
        data=data,
        digest=hashlib.sha256(payload.encode()).hexdigest(),
        applicant=text["applicant"] if kind == EventKind.ACCEPT else "",
    )


def mask(value: str) -> str:
    """An applicant as shown: an id or phone-like value (≥ 8 characters, ≥ 7 of them digits)
    keeps its first 3 and last 4; a name its first and last character (a two-character name
    its first only); the rest is `*`."""
    value = value.strip()
    digits = sum(c.isdigit() for c in value)
    if len(value) >= 8 and digits >= 7:
        return value[:3] + "*" * min(len(value) - 7, 93) + value[-4:]
    if len(value) <= 1:
        return "*"
    if len(value) == 2:
        return value[0] + "*"
    return (value[0] + "*" * (len(value) - 2) + value[-1])[:100]
