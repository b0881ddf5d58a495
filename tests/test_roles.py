import pytest
from django.core.exceptions import ValidationError

from lianfang.accounts import services
from lianfang.accounts.models import User, UserRole
from lianfang.accounts.roles import ADMIN_ROLES, ROLE_PERMISSIONS, Role
from lianfang.core.models import AuditEntry
from lianfang.core.scopes import DataScope

from .factories import PersonFactory, UserFactory

BUSINESS_ROLES = sorted(set(Role) - ADMIN_ROLES)


def _error_field(roles, person):
    with pytest.raises(ValidationError) as excinfo:
        services.validate_roles(roles, person)
    return set(excinfo.value.message_dict)


@pytest.mark.parametrize(
    "roles",
    [
        {Role.SYSADMIN, Role.SECADMIN},
        {Role.SYSADMIN, Role.AUDITOR},
        {Role.SECADMIN, Role.AUDITOR},
        set(ADMIN_ROLES),
    ],
)
def test_it_refuses_two_administrator_roles_on_one_account(db, roles):
    assert _error_field(roles, None) == {"roles"}
    assert _error_field(roles, PersonFactory()) == {"roles"}


@pytest.mark.parametrize("admin", sorted(ADMIN_ROLES))
@pytest.mark.parametrize("business", BUSINESS_ROLES)
def test_it_refuses_an_administrator_with_a_business_role(db, admin, business):
    assert _error_field({admin, business}, PersonFactory()) == {"roles"}


@pytest.mark.parametrize("business", BUSINESS_ROLES)
def test_it_refuses_a_business_role_without_a_person(db, business):
    assert _error_field({business}, None) == {"person"}


def test_it_refuses_an_unknown_role(db):
    assert _error_field({"superuser"}, None) == {"roles"}


@pytest.mark.parametrize("admin", sorted(ADMIN_ROLES))
def test_it_allows_each_administrator_alone_without_a_person(admin):
    assert services.validate_roles([admin], None) == {admin}


def test_it_allows_several_business_roles_with_a_person(db):
    roles = {Role.JIJIAN, Role.STAFF}
    assert services.validate_roles(roles, PersonFactory()) == roles


def test_it_creates_a_user_with_roles_and_audits_it(personas, org):
    user, password = services.user_create(
        actor=personas.sysadmin,
        username="cashier",
        person=org.people.cashier,
        roles=[Role.STAFF],
    )
    assert user.must_change_password
    assert user.check_password(password)
    assert user.role_codes == {Role.STAFF}
    assert user.first_name == org.people.cashier.name
    entries = AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk))
    assert {e.action for e in entries} == {"create", "update"}


def test_it_refuses_a_second_account_for_one_person(personas, org):
    with pytest.raises(ValidationError) as excinfo:
        services.user_create(
            actor=personas.sysadmin, username="again", person=org.people.staff, roles=[Role.STAFF]
        )
    assert "person" in excinfo.value.message_dict
    assert not User.objects.filter(username="again").exists()


def test_it_refuses_creating_an_administrator_with_a_business_role(personas):
    with pytest.raises(ValidationError):
        services.user_create(
            actor=personas.sysadmin, username="both", roles=[Role.SYSADMIN, Role.AUDITOR]
        )
    assert not User.objects.filter(username="both").exists()
    assert not AuditEntry.objects.exists()


def test_it_changes_roles_and_audits_the_change(personas):
    user = personas.staff
    services.user_set_roles(actor=personas.secadmin, user=user, roles=[Role.DEPT_HEAD])
    assert set(UserRole.objects.filter(user=user).values_list("role", flat=True)) == {
        Role.DEPT_HEAD
    }
    assert user.data_scope == DataScope.DEPARTMENT
    entry = AuditEntry.objects.get()
    assert entry.before == {"roles": ["staff"]}
    assert entry.after == {"roles": ["dept_head"]}
    assert entry.actor == personas.secadmin


def test_it_leaves_roles_alone_when_refused(personas):
    with pytest.raises(ValidationError):
        services.user_set_roles(
            actor=personas.secadmin, user=personas.staff, roles=[Role.STAFF, Role.AUDITOR]
        )
    assert set(personas.staff.roles.values_list("role", flat=True)) == {Role.STAFF}
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("admin", ["sysadmin", "secadmin", "auditor"])
def test_it_gives_administrators_no_data_scope(personas, admin):
    assert getattr(personas, admin).data_scope == DataScope.NONE


def test_it_gives_an_administrator_linked_to_a_person_no_data_scope(org):
    user = UserFactory(person=org.people.jijian, roles=[Role.SYSADMIN])
    assert user.data_scope == DataScope.NONE


def test_it_keeps_the_three_administrators_duties_apart(personas):
    sysadmin, secadmin, auditor = (
        personas.sysadmin.permissions,
        personas.secadmin.permissions,
        personas.auditor.permissions,
    )
    assert "audit.view" in auditor
    assert "audit.view" not in sysadmin | secadmin
    assert "users.roles" in secadmin
    assert "users.roles" not in sysadmin | auditor
    assert "users.manage" in sysadmin
    assert "users.manage" not in secadmin | auditor
    assert not any(p.startswith("findings.") for p in sysadmin | secadmin | auditor)


def test_it_gives_no_permissions_to_an_inactive_user(personas):
    User.objects.filter(pk=personas.jijian.pk).update(is_active=False)
    user = User.objects.get(pk=personas.jijian.pk)
    assert user.permissions == frozenset()
    assert user.data_scope == DataScope.NONE


def test_it_lets_business_roles_read_and_only_discipline_inspection_manage(personas):
    for name in ("principal", "in_charge", "dept_head", "staff"):
        user = getattr(personas, name)
        assert user.has_permission("org.view")
        assert not user.has_permission("org.manage")
    assert personas.jijian.has_permission("org.manage")


def test_it_defines_permissions_and_a_scope_for_every_role():
    from lianfang.accounts.roles import ROLE_SCOPE

    assert set(ROLE_PERMISSIONS) == set(Role) == set(ROLE_SCOPE)


def test_it_creates_an_admin_from_the_command_line(db, capsys):
    from django.core.management import call_command

    call_command("user", "create", "xitong", "--role", "sysadmin")
    assert "xitong" in capsys.readouterr().out
    user = User.objects.get(username="xitong")
    assert user.role_codes == {Role.SYSADMIN}
    assert user.must_change_password


def test_it_refuses_two_admin_roles_on_the_command_line(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="roles"):
        call_command("user", "create", "x", "--role", "sysadmin", "--role", "auditor")
    assert not User.objects.filter(username="x").exists()
