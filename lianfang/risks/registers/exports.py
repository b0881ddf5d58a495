"""Export a register or its import template to a temporary file the caller streams back.

The file is built completely before the first byte is sent (an .xlsx is a zip whose directory
comes last), in a temporary file rather than memory, and the export is audited with its row
count. The caller closes the file, which deletes it.
"""

import tempfile
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core import audit

from . import docx, rows, xlsx
from .columns import title

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
WRITERS = {"xlsx": (xlsx.write_register, XLSX), "docx": (docx.write_register, DOCX)}


@dataclass
class Export:
    file: object
    filename: str
    content_type: str
    rows: int = 0


def spooled(write):
    """Run `write(file)` into an anonymous temporary file; (file rewound, write's result)."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the response that streams it closes it)
    try:
        result = write(out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out, result


def register_export(
    *, actor, register: str, year: int, fmt: str, unit=None, department=None
) -> Export:
    """The register for `year` as the actor may see it (optionally one unit or department)."""
    write, content_type = WRITERS[fmt]
    risks = rows.register_risks(
        actor,
        register,
        year,
        unit=unit.pk if unit else None,
        department=department.pk if department else None,
    )
    heading = title(register, year, rows.title_unit(actor, unit, department))
    out, count = spooled(
        lambda f: write(f, register=register, title=heading, rows=rows.rows_of(risks))
    )
    audit.record(
        actor=actor,
        action=audit.Action.EXPORT,
        object_type="risks.riskpoint",
        object_repr=heading,
        after={
            "register": register,
            "year": year,
            "rows": count,
            "format": fmt,
            "unit": unit.pk if unit else None,
            "department": department.pk if department else None,
        },
    )
    return Export(out, f"{heading}.{fmt}", content_type, count)


def register_template(*, actor, register: str) -> Export:
    """The import template: header, an example row and the 填写说明 sheet."""
    heading = title(register, timezone.localdate().year, rows.title_unit(actor))
    out, _none = spooled(lambda f: xlsx.write_template(f, register=register, title=heading))
    name = _("%(title)s（导入模板）") % {"title": heading}
    return Export(out, f"{name}.xlsx", XLSX)
