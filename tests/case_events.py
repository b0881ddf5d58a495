"""Approval-case events for the supervision tests, as the handling systems send them."""

from datetime import datetime

from lianfang.core.calendar import SHANGHAI
from lianfang.supervision.ingest import ingest


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def row(kind, event_id, when, case="C1", **extra) -> dict:
    return {
        "source": "wsbs",
        "event_id": event_id,
        "case": case,
        "kind": kind,
        "at": when,
        "actor": "李四",
        **extra,
    }


def accept(item, case="C1", when="2026-09-28T09:00:00+08:00") -> dict:
    return row("accept", f"{case}-1", when, case, power_item=item.code, applicant="张小明")


def ingested(rows, **kwargs):
    """Ingest `rows`, which must all be accepted."""
    result = ingest(list(rows), actor=None, source_name="test", **kwargs)
    assert result.rejected == []
    return result
