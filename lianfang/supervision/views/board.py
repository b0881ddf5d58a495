"""The live board (实时监控): today's and this month's counts, the departments and power items
with most cards, the daily trend and the cases nearest their deadline."""

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core import calendar
from lianfang.core.permissions import permission_required

from .. import selectors

TREND_DAYS = 90


def _bars(rows: list[dict]) -> dict:
    """What supervision.js draws as a bar chart of cards per department or item."""
    return {
        "labels": [row["name"] for row in rows],
        "series": [
            {"name": _("黄牌"), "kind": "yellow", "data": [row["yellow"] for row in rows]},
            {"name": _("红牌"), "kind": "red", "data": [row["red"] for row in rows]},
        ],
        "empty": _("期间内没有黄牌、红牌"),
    }


def _trend(days: list[dict]) -> dict:
    return {
        "cardsAxis": _("卡片（张）"),
        "completedAxis": _("办结（件）"),
        "days": [row["day"].isoformat() for row in days],
        "series": [
            {"name": _("黄牌"), "kind": "yellow", "data": [row["yellow"] for row in days]},
            {"name": _("红牌"), "kind": "red", "data": [row["red"] for row in days]},
            {
                "name": _("办结件数"),
                "kind": "completed",
                "data": [row["completed"] for row in days],
            },
        ],
    }


@permission_required("supervision.view")
def board(request):
    user, now = request.user, timezone.now()
    since = calendar.start_of_day((timezone.localtime(now) - timedelta(days=TREND_DAYS - 1)).date())
    departments = selectors.board_by_department(user, since)
    items = selectors.board_by_item(user, since)
    context = {
        "counts": selectors.board_counts(user, now),
        "departments": departments,
        "items": items,
        "nearest": selectors.nearest_deadline(user, now),
        "since": since,
        "now": now,
        "trend_days": TREND_DAYS,
        "charts": {
            "departments": _bars(departments),
            "items": _bars(items),
            "trend": _trend(selectors.board_trend(user, since, now)),
        },
    }
    return render(request, "supervision/board.html", context)
