import itertools
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from lianfang.accounts import services as accounts
from lianfang.accounts.roles import Role
from lianfang.core import audit
from lianfang.core.models import AuditEntry, AuditHead
from lianfang.org import services as org_services

from .factories import PASSWORD, key_area


@pytest.fixture
def actor(personas):
    return personas.jijian


@pytest.fixture
def written(actor, org):
    """A handful of audited writes: create, update, m2m, delete."""
    unit = org_services.unit_create(actor=actor, data={"name": "新单位", "code": "NEW"})
    department = org_services.department_create(
        actor=actor,
        data={"unit": unit, "name": "新部门", "code": "NEW-1", "areas": [key_area("finance")]},
    )
    org_services.department_update(actor=actor, department=department, data={"name": "改名部门"})
    post = org_services.post_create(
        actor=actor, data={"department": department, "name": "临时岗", "code": "NEW-1-1"}
    )
    org_services.post_delete(actor=actor, post=post)
    assert AuditEntry.objects.count() == 5
    return department


def _broken_at():
    broken = audit.verify()
    assert broken is not None, "the chain should be broken"
    assert str(broken.reason)
    return broken.seq


def _entries():
    return list(AuditEntry.objects.order_by("seq"))


def test_it_keeps_the_chain_intact_after_writes(written):
    entries = _entries()
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert [e.action for e in entries] == ["create", "create", "update", "create", "delete"]
    assert audit.verify() is None
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (5, entries[-1].hash)


def test_it_detects_an_altered_after_value(written):
    AuditEntry.objects.filter(seq=3).update(after={"name": "别的名字"})
    assert _broken_at() == 3


def test_it_detects_an_altered_actor_name(written):
    AuditEntry.objects.filter(seq=2).update(actor_name="someone_else")
    assert _broken_at() == 2


def test_it_detects_a_rehashed_entry_at_the_next_link(written):
    # A forger who also recomputes the altered entry's own hash breaks the next entry's link.
    entry = AuditEntry.objects.get(seq=3)
    entry.after = {"name": "伪造"}
    entry.hash = audit._digest(entry)
    entry.save(update_fields=["after", "hash"])
    assert _broken_at() == 4


def test_it_detects_a_deleted_entry_in_the_middle(written):
    AuditEntry.objects.filter(seq=2).delete()
    assert _broken_at() == 2


def test_it_detects_a_deleted_last_entry(written):
    AuditEntry.objects.filter(seq=5).delete()
    assert _broken_at() == 5


def test_it_detects_a_deleted_first_entry(written):
    AuditEntry.objects.filter(seq=1).delete()
    assert _broken_at() == 1


def test_it_reports_an_intact_chain_from_the_command(written, capsys):
    call_command("audit", "verify")
    assert "5" in capsys.readouterr().out


def test_it_fails_the_command_naming_the_broken_entry(written):
    AuditEntry.objects.filter(seq=4).update(object_repr="篡改")
    with pytest.raises(CommandError, match="第 4 条") as excinfo:
        call_command("audit", "verify")
    assert excinfo.value.returncode != 0


def test_it_records_only_the_changed_fields_on_update(actor, org):
    org_services.department_update(
        actor=actor, department=org.finance, data={"name": "计划财务科", "sort": 0}
    )
    entry = AuditEntry.objects.get()
    assert entry.action == "update"
    assert entry.object_type == "org.department"
    assert entry.object_id == str(org.finance.pk)
    assert entry.before == {"name": "财务科"}
    assert entry.after == {"name": "计划财务科"}
    assert entry.actor_id == actor.pk
    assert entry.actor_name == actor.username


def test_it_records_a_many_to_many_change_as_ids(actor, org):
    areas = [key_area("finance"), key_area("procurement")]
    org_services.department_update(actor=actor, department=org.finance, data={"areas": areas})
    entry = AuditEntry.objects.get()
    assert entry.before == {"areas": [key_area("finance").pk]}
    assert entry.after == {"areas": sorted(a.pk for a in areas)}


def test_it_records_nothing_for_an_update_that_changes_nothing(actor, org):
    org_services.department_update(actor=actor, department=org.finance, data={"name": "财务科"})
    assert not AuditEntry.objects.exists()


def test_it_records_the_whole_row_on_delete(actor, org):
    department = org_services.department_create(
        actor=actor, data={"unit": org.bureau, "name": "临时科", "code": "TMP"}
    )
    pk = department.pk
    org_services.department_delete(actor=actor, department=department)
    entry = AuditEntry.objects.get(action="delete")
    assert entry.before["name"] == "临时科"
    assert entry.before["code"] == "TMP"
    assert entry.object_id == str(pk)
    assert entry.after is None
    assert audit.verify() is None


def test_it_writes_no_entry_when_a_write_is_refused(actor, org):
    with pytest.raises(ValidationError):
        org_services.department_delete(actor=actor, department=org.finance)  # has posts
    with pytest.raises(ValidationError):
        org_services.unit_create(actor=actor, data={"name": "坏", "code": "bad code"})
    assert not AuditEntry.objects.exists()
    assert audit.verify() is None


def test_it_never_puts_a_password_hash_in_the_trail(personas, org):
    secadmin, sysadmin = personas.secadmin, personas.sysadmin
    user, initial = accounts.user_create(
        actor=sysadmin, username="newbie", person=org.people.cashier, roles=[Role.STAFF]
    )
    hashes = {user.password}
    accounts.password_change(user=user, old_password=initial, new_password="Another#Pass42")
    hashes.add(user.password)
    accounts.user_set_roles(actor=secadmin, user=user, roles={Role.DEPT_HEAD})
    accounts.user_update(actor=sysadmin, user=user, data={"first_name": "刘", "is_active": False})
    hashes.add(accounts.user_reset_password(actor=sysadmin, user=user))
    hashes.add(user.password)
    accounts.token_create(actor=sysadmin, user=personas.staff)
    assert AuditEntry.objects.filter(object_type="accounts.user").count() >= 6

    for entry in AuditEntry.objects.all():
        text = json.dumps([entry.before, entry.after], ensure_ascii=False)
        assert "password" not in (entry.before or {})
        assert "password" not in (entry.after or {})
        for secret in [*hashes, initial, "Another#Pass42", PASSWORD]:
            assert secret not in text
    assert audit.verify() is None
