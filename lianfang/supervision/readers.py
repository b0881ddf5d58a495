"""Event files for `ingest`: JSON Lines or CSV, UTF-8 (a BOM is fine), read as a stream.

`read_events(path)` yields one dict per event with its 1-based line number in `_line`:
- JSON Lines (`.jsonl`, `.ndjson`, or content whose first non-blank character is `{`): one
  object per line; blank lines are skipped; a line that is not a JSON object yields
  `{"_line": n, "_error": message}`, which `ingest` reports as that line's issue.
- CSV (`.csv`, or content whose first line is a header naming `event_id`): a header row of the
  field names `ingest` knows (see `ingest.FIELDS`), then one event per row; empty cells are
  absent fields. A header with an unknown or repeated name, or without `source`, `event_id`,
  `case`, `kind` and `at`, is a `ReadError`.
Anything else (not UTF-8, neither format) is a `ReadError` naming the file and, where it
applies, the line.
"""

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from .ingest import FIELDS

REQUIRED = ("source", "event_id", "case", "kind", "at")


class ReadError(Exception):
    pass


def _lines(file) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(file, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ReadError(_("第 %(n)d 行不是 UTF-8 编码的文本") % {"n": number}) from None
        if number == 1:
            text = text.removeprefix("\ufeff")
        yield number, text


def _format(path: Path, first: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    if first.lstrip().startswith("{"):
        return "jsonl"
    if "event_id" in first and "," in first:
        return "csv"
    raise ReadError(_("%(name)s 既不是 JSON Lines 也不是 CSV 事件文件") % {"name": path.name})


def _jsonl(lines) -> Iterator[dict]:
    for number, text in lines:
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            message = _("不是有效的 JSON：%(reason)s") % {"reason": exc.msg}
            yield {"_line": number, "_error": message}
            continue
        if not isinstance(value, dict):
            yield {"_line": number, "_error": _("每行应为一个 JSON 对象")}
            continue
        value = {k: v for k, v in value.items() if k in FIELDS}
        value["_line"] = number
        yield value


def _csv(lines) -> Iterator[dict]:
    reader = csv.reader(text for _number, text in lines)
    header = next(reader, None)
    if header is None:
        return
    header = [h.strip() for h in header]
    unknown = [h for h in header if h not in FIELDS]
    missing = [h for h in REQUIRED if h not in header]
    if unknown or missing or len(set(header)) != len(header):
        raise ReadError(
            _("CSV 表头有误（第 1 行）：未知列 %(unknown)s；缺少列 %(missing)s；列名不得重复")
            % {"unknown": "、".join(unknown) or "-", "missing": "、".join(missing) or "-"}
        )
    end = reader.line_num
    for cells in reader:
        # A quoted cell may span lines: a row's number is that of its first line.
        number, end = end + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            message = _("列数为 %(got)d，表头为 %(want)d 列") % {
                "got": len(cells),
                "want": len(header),
            }
            yield {"_line": number, "_error": message}
            continue
        row = {h: c for h, c in zip(header, cells, strict=True) if c.strip()}
        row["_line"] = number
        yield row


def read_events(path: str | Path) -> Iterator[dict]:
    """The events of a JSON Lines or CSV file, with `_line`; see the module docstring."""
    path = Path(path)
    try:
        file = path.open("rb")
    except OSError as exc:
        message = _("无法读取文件 %(name)s：%(reason)s") % {"name": path, "reason": exc}
        raise ReadError(message) from exc
    with file:
        first = file.readline()
        file.seek(0)
        try:
            first_text = first.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            raise ReadError(_("第 1 行不是 UTF-8 编码的文本")) from None
        kind = _format(path, first_text)
        lines = _lines(file)
        yield from (_jsonl(lines) if kind == "jsonl" else _csv(lines))
