import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lianfang.accounts.models import ApiToken, User
from lianfang.accounts.services import token_create
from lianfang.core.models import AuditEntry, DictItem, DictType
from lianfang.org.models import Assignment, Department, Leadership, Unit

from .factories import DepartmentFactory, PersonFactory, UserFactory, key_area

API = "/api/v1/org"
ENTITIES = ["units", "departments", "posts", "people", "assignments", "leaderships"]


def _token(user) -> str:
    return token_create(actor=user, user=user)


def _bearer(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def jijian_api(personas):
    return _bearer(_token(personas.jijian))


@pytest.fixture
def staff_api(personas):
    return _bearer(_token(personas.staff))


def _fields(response) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


# Authentication


def test_it_answers_401_without_credentials(client, org):
    for entity in ENTITIES:
        response = client.get(f"{API}/{entity}/")
        assert response.status_code == 401
        assert response.json()["detail"]


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Bearer not-a-token", "Basic dXNlcjpwYXNz", "Token lf_abc", "lf_abc"],
)
def test_it_answers_401_for_a_malformed_or_unknown_token(org, header):
    response = Client(HTTP_AUTHORIZATION=header).get(f"{API}/units/")
    assert response.status_code == 401


def test_it_accepts_a_token_from_token_create(personas, org):
    token = _token(personas.jijian)
    assert token.startswith("lf_")
    assert not ApiToken.objects.filter(digest=token).exists()  # only the hash is stored
    response = _bearer(token).get(f"{API}/units/")
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert ApiToken.objects.get().last_used_at is not None
    assert AuditEntry.objects.filter(action="token").count() == 1


def test_it_refuses_a_revoked_token(personas, org):
    token = _token(personas.jijian)
    ApiToken.objects.update(revoked=True)
    assert _bearer(token).get(f"{API}/units/").status_code == 401


def test_it_refuses_the_token_of_a_deactivated_user(personas, org):
    token = _token(personas.jijian)
    User.objects.filter(pk=personas.jijian.pk).update(is_active=False)
    assert _bearer(token).get(f"{API}/units/").status_code == 401


def test_it_accepts_a_session(client, personas, org):
    client.force_login(personas.jijian)
    assert client.get(f"{API}/units/").status_code == 200


def test_it_checks_csrf_on_session_writes(personas, org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.jijian)
    response = client.post(
        f"{API}/units/", {"name": "新", "code": "NEW"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Unit.objects.filter(code="NEW").exists()


def test_it_refuses_a_session_held_at_the_password_form_even_with_a_bogus_token(org):
    # The policy middleware lets any request with an Authorization header through to the API.
    held = UserFactory(must_change_password=True, person=org.people.cashier, roles=["jijian"])
    client = Client(HTTP_AUTHORIZATION="Bearer not-a-token")
    client.force_login(held)
    assert client.get(f"{API}/units/").status_code in (401, 403)


def test_it_tells_who_is_calling(personas, org):
    body = _bearer(_token(personas.sysadmin)).get("/api/v1/accounts/me").json()
    assert body == {
        "username": "sysadmin",
        "display_name": "sysadmin",
        "roles": ["sysadmin"],
        "data_scope": "none",
        "person": None,
    }
    body = _bearer(_token(personas.staff)).get("/api/v1/accounts/me").json()
    assert (body["data_scope"], body["person"]) == ("self", personas.staff.person_id)


# Reading


def test_it_lists_in_pages_of_items_and_count(jijian_api, org):
    body = jijian_api.get(f"{API}/people/").json()
    assert set(body) == {"items", "count"}
    assert body["count"] == 8
    assert len(body["items"]) == 8
    page = jijian_api.get(f"{API}/people/?limit=3&offset=6").json()
    assert page["count"] == 8
    assert len(page["items"]) == 2


def test_it_lists_every_entity(jijian_api, org):
    counts = {e: jijian_api.get(f"{API}/{e}/").json()["count"] for e in ENTITIES}
    assert counts == {
        "units": 2,
        "departments": 4,
        "posts": 8,
        "people": 8,
        "assignments": 8,
        "leaderships": 3,
    }


def test_it_lists_only_the_callers_scope(staff_api, org):
    body = staff_api.get(f"{API}/people/").json()
    assert body["count"] == 1
    assert body["items"][0]["id"] == org.people.staff.pk
    assert staff_api.get(f"{API}/leaderships/").json() == {"items": [], "count": 0}


def test_it_shows_ids_for_relations(jijian_api, org):
    body = jijian_api.get(f"{API}/departments/{org.finance.pk}").json()
    assert body["unit"] == org.bureau.pk
    assert body["areas"] == [key_area("finance").pk]
    body = jijian_api.get(f"{API}/leaderships/{org.leaderships.in_charge.pk}").json()
    assert body["departments_in_charge"] == [org.finance.pk]
    assert body["role"] == "in_charge"


def test_it_writes_chinese_as_itself(jijian_api, org):
    content = jijian_api.get(f"{API}/departments/{org.finance.pk}").content.decode()
    assert "财务科" in content


def test_it_answers_404_outside_the_scope(staff_api, org):
    assert staff_api.get(f"{API}/people/{org.people.staff.pk}").status_code == 200
    response = staff_api.get(f"{API}/people/{org.people.cashier.pk}")
    assert response.status_code == 404
    assert response.json()["detail"]
    assert staff_api.get(f"{API}/posts/{org.posts.cashier.pk}").status_code == 404
    assert staff_api.get(f"{API}/people/999999").status_code == 404


def test_it_answers_404_outside_the_scope_of_a_department_head(personas, org):
    api = _bearer(_token(personas.dept_head))
    assert api.get(f"{API}/people/{org.people.cashier.pk}").status_code == 200
    assert api.get(f"{API}/people/{org.people.approver.pk}").status_code == 404
    assert api.get(f"{API}/departments/{org.approval.pk}").status_code == 404


def test_it_lists_in_a_constant_number_of_queries(jijian_api, org):
    def queries(entity):
        with CaptureQueriesContext(connection) as ctx:
            assert jijian_api.get(f"{API}/{entity}/").status_code == 200
        return len(ctx.captured_queries)

    jijian_api.get("/api/v1/accounts/me")  # the token's first use is recorded once
    before = {e: queries(e) for e in ENTITIES}
    for _ in range(10):
        department = DepartmentFactory(unit=org.bureau, areas=["finance", "approval"])
        PersonFactory(department=department)
    after = {e: queries(e) for e in ENTITIES}
    assert after == before


# Permission


def test_it_answers_403_and_audits_a_write_without_permission(staff_api, personas, org):
    response = staff_api.post(
        f"{API}/units/", {"name": "越权单位", "code": "EVIL"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not Unit.objects.filter(code="EVIL").exists()
    entry = AuditEntry.objects.get(action="denied")
    assert entry.actor == personas.staff
    assert entry.object_repr == f"POST {API}/units/"


@pytest.mark.parametrize("persona", ["principal", "in_charge", "dept_head", "secadmin", "auditor"])
def test_it_lets_only_org_managers_delete(personas, org, persona):
    api = _bearer(_token(getattr(personas, persona)))
    response = api.delete(f"{API}/posts/{org.posts.office_clerk.pk}")
    assert response.status_code == 403


def test_it_refuses_reading_to_users_without_org_view(personas, org):
    api = _bearer(_token(personas.auditor))
    assert api.get(f"{API}/people/").status_code == 403
    assert AuditEntry.objects.filter(action="denied", actor=personas.auditor).exists()


# Writing


def test_it_creates_through_the_service_and_audits(jijian_api, personas, org):
    response = jijian_api.post(
        f"{API}/units/",
        {"name": "分中心", "code": "JU-01-A", "parent": org.sub.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["path"] == "/JU/JU-01/JU-01-A/"
    entry = AuditEntry.objects.get(action="create")
    assert (entry.actor, entry.object_id) == (personas.jijian, str(body["id"]))
    assert entry.ip == "127.0.0.1"


def test_it_creates_with_many_to_many_ids(jijian_api, org):
    areas = [key_area("finance").pk, key_area("procurement").pk]
    response = jijian_api.post(
        f"{API}/departments/",
        {"unit": org.bureau.pk, "name": "采购科", "code": "JU-CGK", "areas": areas},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert sorted(response.json()["areas"]) == sorted(areas)
    department = Department.objects.get(code="JU-CGK")
    assert sorted(department.areas.values_list("pk", flat=True)) == sorted(areas)


@pytest.mark.parametrize(
    ("entity", "payload", "field"),
    [
        ("units", {"name": "新", "code": "N1", "sort": "first"}, "sort"),
        ("units", {"code": "N1"}, "name"),
        ("posts", {"department": "财务科", "name": "岗", "code": "N1"}, "department"),
        ("posts", {"department": 1, "name": "岗", "code": "N1", "tier": "boss"}, "tier"),
        ("assignments", {"person": 1, "post": 1, "start_date": "2024-13-01"}, "start_date"),
    ],
)
def test_it_answers_400_naming_the_field_for_bad_input(jijian_api, org, entity, payload, field):
    entries = AuditEntry.objects.count()
    response = jijian_api.post(f"{API}/{entity}/", payload, content_type="application/json")
    assert response.status_code == 400
    assert field in _fields(response)
    assert field in response.json()["detail"]
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize(
    ("entity", "payload", "field"),
    [
        ("units", lambda org: {"name": "新", "code": "N1", "short_name": None}, "short_name"),
        ("units", lambda org: {"name": "新", "code": "N1", "sort": None}, "sort"),
        (
            "departments",
            lambda org: {"unit": org.bureau.pk, "name": "新", "code": "N1", "areas": None},
            "areas",
        ),
    ],
)
def test_it_answers_400_for_null_in_a_field_that_cannot_be_empty(
    jijian_api, org, entity, payload, field
):
    response = jijian_api.post(f"{API}/{entity}/", payload(org), content_type="application/json")
    assert response.status_code == 400
    assert _fields(response) == {field}


def test_it_answers_400_for_a_body_that_is_not_json(jijian_api, org):
    response = jijian_api.post(f"{API}/units/", "name=x", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("entity", "payload", "field"),
    [
        ("units", lambda org: {"name": "新", "code": "N1", "parent": 999999}, "parent"),
        ("departments", lambda org: {"unit": 999999, "name": "新", "code": "N1"}, "unit"),
        (
            "departments",
            lambda org: {"unit": org.bureau.pk, "name": "新", "code": "N1", "areas": [999999]},
            "areas",
        ),
    ],
)
def test_it_answers_400_naming_the_field_for_an_unknown_id(jijian_api, org, entity, payload, field):
    response = jijian_api.post(f"{API}/{entity}/", payload(org), content_type="application/json")
    assert response.status_code == 400
    assert _fields(response) == {field}
    assert "999999" in response.json()["detail"]


def test_it_refuses_a_dictionary_item_that_is_not_a_key_area(jijian_api, org):
    other = DictType.objects.create(code="risk_category", name="风险类别")
    item = DictItem.objects.create(dict_type=other, code="moral", label="思想道德")
    response = jijian_api.post(
        f"{API}/posts/",
        {"department": org.finance.pk, "name": "新岗", "code": "N1", "areas": [item.pk]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert _fields(response) == {"areas"}


def test_it_patches_only_the_given_fields_and_audits(jijian_api, personas, org):
    response = jijian_api.patch(
        f"{API}/departments/{org.finance.pk}",
        {"name": "计划财务科"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["name"] == "计划财务科"
    assert response.json()["areas"] == [key_area("finance").pk]
    department = Department.objects.get(pk=org.finance.pk)
    assert (department.name, department.code) == ("计划财务科", "JU-CWK")
    entry = AuditEntry.objects.get(action="update")
    assert (entry.before, entry.after) == ({"name": "财务科"}, {"name": "计划财务科"})
    assert entry.actor == personas.jijian


def test_it_patches_a_unit_parent_and_re_roots_it(jijian_api, org):
    other = jijian_api.post(
        f"{API}/units/", {"name": "另一局", "code": "XJ"}, content_type="application/json"
    ).json()
    response = jijian_api.patch(
        f"{API}/units/{org.sub.pk}", {"parent": other["id"]}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["path"] == "/XJ/JU-01/"
    response = jijian_api.patch(
        f"{API}/units/{org.bureau.pk}", {"parent": org.bureau.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert _fields(response) == {"parent"}


def test_it_answers_400_for_a_patch_with_a_bad_type(jijian_api, org):
    response = jijian_api.patch(
        f"{API}/posts/{org.posts.cashier.pk}",
        {"headcount": "many"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert _fields(response) == {"headcount"}


def test_it_refuses_a_second_principal_naming_the_unit(jijian_api, org):
    person = PersonFactory(department=org.office)
    response = jijian_api.post(
        f"{API}/leaderships/",
        {
            "unit": org.bureau.pk,
            "person": person.pk,
            "role": "principal",
            "start_date": "2024-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "unit" in _fields(response)
    assert Leadership.objects.filter(role="principal").count() == 1


def test_it_refuses_an_overlapping_assignment_naming_the_start_date(jijian_api, org):
    response = jijian_api.post(
        f"{API}/assignments/",
        {"person": org.people.staff.pk, "post": org.posts.cashier.pk, "start_date": "2024-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert _fields(response) == {"start_date"}
    assert Assignment.objects.filter(person=org.people.staff).count() == 1


def test_it_deletes_and_audits(jijian_api, org):
    department = DepartmentFactory(unit=org.sub)
    response = jijian_api.delete(f"{API}/departments/{department.pk}")
    assert response.status_code == 204
    assert not Department.objects.filter(pk=department.pk).exists()
    assert AuditEntry.objects.get(action="delete").object_id == str(department.pk)


def test_it_refuses_to_delete_a_record_still_in_use(jijian_api, org):
    response = jijian_api.delete(f"{API}/departments/{org.finance.pk}")
    assert response.status_code == 400
    assert response.json()["detail"]
    assert Department.objects.filter(pk=org.finance.pk).exists()


# The published description


def test_it_publishes_the_openapi_description(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    paths = spec["paths"]
    for entity in ENTITIES:
        assert set(paths[f"{API}/{entity}/"]) == {"get", "post"}
        assert set(paths[f"{API}/{entity}/{{pk}}"]) == {"get", "patch", "delete"}
    assert "/api/v1/accounts/me" in paths
    operation_ids = [op["operationId"] for path in paths.values() for op in path.values()]
    assert len(operation_ids) == len(set(operation_ids))
