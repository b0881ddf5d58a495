"""Input and output schemas of the supervision API (lianfang.supervision.api)."""

from typing import Any

from ninja import Field, Schema

MAX_EVENTS = 10_000


class BatchIn(Schema):
    events: list[dict[str, Any]] = Field(..., min_length=1, max_length=MAX_EVENTS)


class BatchOut(Schema):
    applied: int
    replayed: int


class BatchIssue(Schema):
    line: int
    field: str
    message: str


class BatchErrorOut(Schema):
    detail: str
    errors: list[BatchIssue]
