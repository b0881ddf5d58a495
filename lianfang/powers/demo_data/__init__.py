"""The demo bureau's power list: items and the cleanup (`items`), flowcharts with their risk
points (`flows`), discretion standards (`discretion`) and catalogues (`catalogues`)."""

from .catalogues import PROCESSES, REGULATIONS
from .discretion import DISCRETION
from .flows import FLOWS
from .items import (
    ACCOUNTABILITY,
    CANCELLED,
    CLEANUP_YEAR,
    ITEMS,
    RELIEF,
    RESPONSIBILITIES,
    SUPERVISION_PHONE,
)

__all__ = [
    "ACCOUNTABILITY",
    "CANCELLED",
    "CLEANUP_YEAR",
    "DISCRETION",
    "FLOWS",
    "ITEMS",
    "PROCESSES",
    "REGULATIONS",
    "RELIEF",
    "RESPONSIBILITIES",
    "SUPERVISION_PHONE",
]
