"""The demo bureau, app by app: each loader builds on what the previous ones made."""

from django.db import transaction

from lianfang.accounts.demo import DEMO_USERS, load_demo
from lianfang.powers.demo import load_powers
from lianfang.risks.demo import load_risks
from lianfang.supervision.demo import load_supervision

__all__ = ["DEMO_USERS", "load"]


def load(*, password: str) -> bool:
    """Load the whole demo; False (and nothing done) when the organisation is already there."""
    with transaction.atomic():
        if not load_demo(password=password):
            return False
        load_risks()
        load_powers()
        load_supervision()
    return True
