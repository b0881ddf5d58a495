"""Every demo role, every organisation and risk list and detail, page and API: exactly its scope."""

import pytest
from django.db import transaction

from lianfang.accounts.models import User
from lianfang.demo import DEMO_USERS, load

from .support.scope_leaks import leaks


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo bureau, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        load(password="Demo#2026pass")
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("username", DEMO_USERS)
def test_it_shows_each_demo_role_exactly_its_scope(demo, db, username):
    user = User.objects.get(username=username)
    assert leaks(user) == []


def test_it_gives_the_demo_roles_different_scopes(demo, db):
    # Guard against a vacuous pass: the roles really see different amounts of the bureau.
    from lianfang.core.scopes import scoped
    from lianfang.org.models import Person

    seen = {
        name: scoped(Person.objects.all(), User.objects.get(username=name)).count()
        for name in ("jijian", "juzhang", "fenguan", "kezhang", "zhiyuan", "auditor")
    }
    assert seen["jijian"] == Person.objects.count()
    assert seen["jijian"] >= seen["juzhang"] > seen["fenguan"] > seen["kezhang"] > seen["zhiyuan"]
    assert seen["zhiyuan"] == 1
    assert seen["auditor"] == 0
