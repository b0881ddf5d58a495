"""The organisation pages: who may open them, what they show, and how forms write."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianfang.core.models import AuditEntry
from lianfang.org.models import Post, Unit

from .factories import AssignmentFactory, PersonFactory, PostFactory


def _login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("persona", "path", "status"),
    [
        ("jijian", "/org/", 200),
        ("staff", "/org/", 200),
        ("auditor", "/org/", 403),
        ("secadmin", "/org/", 403),
        ("sysadmin", "/org/", 200),
        ("staff", "/org/findings/", 403),
        ("principal", "/org/findings/", 200),
        ("staff", "/audit/", 403),
        ("sysadmin", "/audit/", 403),
        ("auditor", "/audit/", 200),
        ("auditor", "/accounts/login-log/", 200),
        ("secadmin", "/accounts/login-log/", 200),
        ("staff", "/accounts/users/", 403),
        ("secadmin", "/accounts/users/", 200),
        ("sysadmin", "/dicts/", 200),
        ("jijian", "/dicts/", 403),
        ("staff", "/org/posts/new/", 403),
    ],
)
def test_it_opens_each_page_only_to_the_roles_that_may_use_it(
    client, personas, persona, path, status
):
    response = _login(client, getattr(personas, persona)).get(path)
    assert response.status_code == status


def test_it_shows_only_permitted_links_in_the_navigation(client, personas):
    html = _login(client, personas.staff).get("/").text
    assert "/org/" in html
    assert "/audit/" not in html
    assert "/accounts/users/" not in html


def test_it_renders_the_tree_in_a_constant_number_of_queries(client, personas, org):
    client = _login(client, personas.jijian)
    with CaptureQueriesContext(connection) as before:
        assert client.get("/org/").status_code == 200
    for _ in range(12):
        post = PostFactory(department=org.finance, headcount=2)
        AssignmentFactory(person=PersonFactory(department=org.finance), post=post)
    with CaptureQueriesContext(connection) as after:
        html = client.get("/org/").text
    assert len(after) == len(before)
    assert html.count("/org/posts/") >= Post.objects.count()


def test_it_creates_a_unit_from_the_form_and_audits_it(client, personas, org):
    response = _login(client, personas.jijian).post(
        "/org/units/new/",
        {"name": "区少年宫", "code": "JU-02", "parent": org.bureau.pk, "sort": 3, "is_active": 1},
    )
    unit = Unit.objects.get(code="JU-02")
    assert response.status_code == 302
    assert unit.path == "/JU/JU-02/"
    assert AuditEntry.objects.filter(action="create", object_id=str(unit.pk)).exists()


def test_it_shows_the_service_error_on_the_field_and_saves_nothing(client, personas, org):
    entries = AuditEntry.objects.count()
    response = _login(client, personas.jijian).post(
        "/org/assignments/new/",
        {
            "person": org.people.staff.pk,
            "post": org.posts.cashier.pk,
            "start_date": date(2023, 1, 1).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "时间重叠" in response.text or "满员" in response.text
    assert AuditEntry.objects.count() == entries


def test_it_refuses_to_delete_a_referenced_department_with_a_message(client, personas, org):
    client = _login(client, personas.jijian)
    response = client.post(f"/org/departments/{org.finance.pk}/delete/", follow=True)
    assert "仍被其他记录引用" in response.text
    assert org.finance.__class__.objects.filter(pk=org.finance.pk).exists()


def test_it_escapes_names_it_shows(client, personas, org):
    org.people.staff.name = "<script>alert(1)</script>"
    org.people.staff.save(update_fields=["name"])
    html = _login(client, personas.jijian).get(f"/org/people/{org.people.staff.pk}/").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_it_answers_404_for_a_person_outside_the_scope(client, personas, org):
    response = _login(client, personas.staff).get(f"/org/people/{org.people.approver.pk}/")
    assert response.status_code == 404
