"""公示: effective risks published within the unit, or to the public, reach every reader there."""

import pytest

from lianfang.risks.models import Publication, Register, RiskPoint, Status
from lianfang.risks.notice_views import published_for


def _risk(org, *, publication, status=Status.EFFECTIVE, unit=None, title="风险点"):
    unit = unit or org.bureau
    return RiskPoint.objects.create(
        register=Register.UNIT,
        year=2026,
        unit=unit,
        category="major_decision",
        title=title,
        manifestation="表现形式",
        level=1,
        publication=publication,
        status=status,
    )


@pytest.fixture
def risks(org):
    return {
        "unit": _risk(org, publication=Publication.UNIT, title="本单位公示"),
        "public": _risk(org, publication=Publication.PUBLIC, title="向社会公开"),
        "internal": _risk(org, publication=Publication.INTERNAL, title="内部掌握"),
        "draft": _risk(
            org, publication=Publication.UNIT, status=Status.IN_PROGRESS, title="尚在查找"
        ),
        "other_unit": _risk(org, publication=Publication.UNIT, unit=org.sub, title="下属单位公示"),
    }


def test_it_shows_staff_the_unit_and_public_notices_beyond_their_own_scope(personas, risks):
    shown = set(published_for(personas.staff))
    assert shown == {risks["unit"], risks["public"]}


def test_it_never_shows_internal_or_unfinished_risks(personas, risks):
    shown = set(published_for(personas.jijian))
    assert risks["internal"] not in shown
    assert risks["draft"] not in shown


def test_it_keeps_a_units_notice_inside_that_unit(personas, risks):
    assert risks["other_unit"] not in set(published_for(personas.staff))


def test_it_renders_the_notice_page_in_a_constant_number_of_queries(
    client, personas, risks, org, django_assert_max_num_queries
):
    client.force_login(personas.staff)
    with django_assert_max_num_queries(15):
        response = client.get("/risks/notice/")
    assert response.status_code == 200
    assert "本单位公示" in response.text
    for n in range(10):
        _risk(org, publication=Publication.PUBLIC, title=f"公开{n}")
    with django_assert_max_num_queries(15):
        assert client.get("/risks/notice/").status_code == 200


def test_it_closes_the_notice_to_the_administrators(client, personas, risks):
    client.force_login(personas.auditor)
    assert client.get("/risks/notice/").status_code == 403
