"""Who may act on a risk at each identification step (the five-step workflow)."""

from lianfang.accounts.roles import Role
from lianfang.core.scopes import scoped

from .models import RiskPoint, Status, Step

# The organisation's side of the workflow: heads, leaders and the integrity office.
STEWARDS = frozenset({Role.DEPT_HEAD, Role.IN_CHARGE, Role.PRINCIPAL, Role.JIJIAN})


def in_scope(user, risk: RiskPoint) -> bool:
    """Whether the risk lies in the user's scope. A page asks this for each action it may
    offer, so the answer is kept on the (per-request) user object by risk id."""
    answers = user.__dict__.setdefault("_risks_in_scope", {})
    if risk.pk not in answers:
        answers[risk.pk] = scoped(RiskPoint.objects.filter(pk=risk.pk), user).exists()
    return answers[risk.pk]


def is_steward(user) -> bool:
    return bool(user.role_codes & STEWARDS)


def can_edit(user, risk: RiskPoint) -> bool:
    """The filer edits their own risk while it is at 自己找; stewards at any time."""
    if not in_scope(user, risk) or risk.status == Status.RETIRED:
        return False
    if is_steward(user):
        return True
    own = user.person_id is not None and risk.person_id == user.person_id
    return own and risk.step == Step.SELF and risk.status != Status.EFFECTIVE


def can_submit(user, risk: RiskPoint) -> bool:
    if risk.status not in (Status.IN_PROGRESS, Status.RETURNED) or risk.step >= Step.COLLECTIVE:
        return False
    if risk.step == Step.SELF:
        return can_edit(user, risk)
    return is_steward(user) and in_scope(user, risk)


def can_comment(user, risk: RiskPoint) -> bool:
    return risk.status == Status.IN_PROGRESS and in_scope(user, risk)


def can_return(user, risk: RiskPoint) -> bool:
    return (
        risk.status == Status.IN_PROGRESS
        and risk.step > Step.SELF
        and is_steward(user)
        and in_scope(user, risk)
    )


def can_decide(user, risk: RiskPoint) -> bool:
    return (
        risk.status == Status.IN_PROGRESS
        and risk.step == Step.COLLECTIVE
        and is_steward(user)
        and in_scope(user, risk)
    )


def can_create(user) -> bool:
    return user.person_id is not None and user.has_permission("risks.view")
