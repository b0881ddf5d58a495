"""Exports of the power list and of one power's flowchart, as the user may see them; each one
leaves an audit entry. Files are built in a temporary file that the response streams back
(`Export`, as the risk registers' exports)."""

import io
from collections import defaultdict
from collections.abc import Iterator
from itertools import batched

from django.utils.translation import gettext as _

from lianfang.core import audit
from lianfang.risks.registers.exports import DOCX, XLSX, Export, spooled
from lianfang.risks.registers.rows import title_unit

from .. import selectors
from ..models import PowerItem
from . import docx, xlsx
from .columns import COLUMNS, cells_of

MERMAID = "text/plain; charset=utf-8"
CHUNK = 2000

# The export query's values: the columns' own fields, and the names of what they point to.
_RELATED = {"parent": "parent__code", "unit": "unit__name", "department": "department__name"}
_VALUES = ("pk", *(_RELATED.get(c.key, c.key) for c in COLUMNS if c.key != "posts"))


def _post_names(ids: list[int]) -> dict[int, list[str]]:
    """The posts of the items `ids`, by item, in the organisation's post order: one query."""
    names = defaultdict(list)
    links = PowerItem.posts.through.objects.filter(poweritem_id__in=ids)
    for item_id, name in links.order_by("post__sort", "post_id").values_list(
        "poweritem_id", "post__name"
    ):
        names[item_id].append(name)
    return names


def list_rows(items, chunk: int = CHUNK) -> Iterator[dict]:
    """Every item of the queryset `items` as a row of cells, read in chunks of plain values
    with one posts query per chunk: the query count grows with the chunks, not the rows."""
    labels = selectors.category_labels()
    values = items.order_by("code", "pk").values(*_VALUES).iterator(chunk_size=chunk)
    for batch in batched(values, chunk):
        posts = _post_names([v["pk"] for v in batch])
        for value in batch:
            yield cells_of(value, labels, posts[value["pk"]])


def list_title(user) -> str:
    """“云溪区文广旅体局权力清单”: the top unit the user may see."""
    return _("%(unit)s权力清单") % {"unit": title_unit(user)}


def _filters_record(filters: dict) -> dict:
    return {k: getattr(v, "pk", v) for k, v in (filters or {}).items()}


def _write_list(user, filters, stream, fmt: str, title: str) -> int:
    write = {"xlsx": xlsx.write_list, "docx": docx.write_list}[fmt]
    count = write(stream, title=title, rows=list_rows(selectors.item_list(user, filters)))
    audit.record(
        actor=user,
        action=audit.Action.EXPORT,
        object_type="powers.poweritem",
        object_repr=title,
        after={"rows": count, "format": fmt, "filters": _filters_record(filters)},
    )
    return count


def power_list_xlsx(user, filters: dict | None, stream) -> int:
    """The power list inside the user's scope (narrowed by `filters`, as on the list page) as
    .xlsx into the binary `stream`; audited; return the number of items."""
    return _write_list(user, filters, stream, "xlsx", list_title(user))


def power_list_docx(user, filters: dict | None, stream) -> int:
    """The same list as a Word table of the main columns (A4 landscape)."""
    return _write_list(user, filters, stream, "docx", list_title(user))


def list_export(*, actor, filters: dict | None, fmt: str) -> Export:
    """The list as a file to stream back (fmt "xlsx" or "docx")."""
    title = list_title(actor)
    out, count = spooled(lambda f: _write_list(actor, filters, f, fmt, title))
    return Export(out, f"{title}.{fmt}", {"xlsx": XLSX, "docx": DOCX}[fmt], count)


def template_xlsx(stream) -> None:
    """The import template: the header, an example row and the 填写说明 sheet."""
    xlsx.write_template(stream, title=_("权力清单"), category_labels=selectors.category_labels())


def template_export() -> Export:
    out, _none = spooled(template_xlsx)
    return Export(out, _("权力清单（导入模板）") + ".xlsx", XLSX)


def flow_docx(item: PowerItem, rows: list[selectors.FlowRow], stream) -> int:
    """The item's flowchart as the table 工作流程 | 廉政风险点 | 防控措施 (`rows` from
    `selectors.flow_rows`), under a heading with its name and code."""
    label = selectors.category_labels().get(item.category, item.get_category_display())
    return docx.write_flow(stream, item=item, rows=rows, category_label=label)


def flow_export(*, actor, item: PowerItem, fmt: str) -> Export:
    """One item's flowchart with the risk points the actor may see: "docx" (the table) or
    "mmd" (the Mermaid source); audited."""
    rows = selectors.flow_rows(item, selectors.internal_risks(actor))
    if fmt == "docx":
        out, _count = spooled(lambda f: flow_docx(item, rows, f))
        content_type = DOCX
    else:
        out = io.BytesIO(selectors.flow_mermaid(item, rows).encode())
        content_type = MERMAID
    audit.record(
        actor=actor,
        action=audit.Action.EXPORT,
        instance=item,
        object_repr=_("%(name)s权力运行流程图") % {"name": item.name},
        after={"format": fmt, "steps": len(rows)},
    )
    name = _("%(name)s（%(code)s）权力运行流程图") % {"name": item.name, "code": item.code}
    return Export(out, f"{name}.{fmt}", content_type, len(rows))
