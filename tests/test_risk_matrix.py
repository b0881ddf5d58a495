"""The bureau edits its likelihood × impact matrix as data; new gradings follow it."""

import pytest
from django.core.exceptions import ValidationError

from lianfang.core.models import AuditEntry
from lianfang.risks import services
from lianfang.risks.models import GradingMatrix


def _post(client, rows, cols, cells, l_labels=None, c_labels=None):
    data = {}
    for r in range(rows):
        data[f"l{r}"] = (l_labels or [f"可能性{r + 1}" for r in range(rows)])[r]
        for c in range(cols):
            data[f"cell_{r}_{c}"] = cells[r][c]
    for c in range(cols):
        data[f"c{c}"] = (c_labels or [f"影响{c + 1}" for c in range(cols)])[c]
    return client.post(f"/risks/matrix/?rows={rows}&cols={cols}", data)


def test_it_lets_discipline_inspection_resize_and_save_the_matrix(client, personas):
    client.force_login(personas.jijian)
    cells = [[3, 3, 2], [3, 2, 1], [2, 1, 1]]
    response = _post(client, 3, 3, cells)
    assert response.status_code == 302
    matrix = GradingMatrix.objects.get(is_active=True)
    assert matrix.cells == cells
    assert matrix.likelihood_labels == ["可能性1", "可能性2", "可能性3"]
    assert AuditEntry.objects.filter(object_type="risks.gradingmatrix").exists()


def test_it_grades_new_risks_by_the_edited_matrix(client, personas):
    client.force_login(personas.jijian)
    _post(client, 2, 2, [[3, 2], [2, 1]])
    assert services.grade("matrix", {"likelihood": 2, "impact": 2}).level == 1
    assert services.grade("matrix", {"likelihood": 1, "impact": 2}).level == 2
    with pytest.raises(ValidationError) as caught:  # the 4×4 default would accept 3
        services.grade("matrix", {"likelihood": 3, "impact": 1})
    assert "likelihood" in caught.value.message_dict


def test_it_refuses_a_level_outside_one_to_three_naming_the_cell(client, personas):
    client.force_login(personas.jijian)
    before = GradingMatrix.objects.get(is_active=True).cells
    response = _post(client, 2, 2, [[3, 4], [2, 1]])
    assert response.status_code == 200
    assert GradingMatrix.objects.get(is_active=True).cells == before


def test_it_refuses_labels_that_do_not_match_the_size(personas, db):
    with pytest.raises(ValidationError) as caught:
        services.matrix_update(
            actor=personas.jijian,
            cells=[[3, 2], [2, 1]],
            likelihood_labels=["低"],
            impact_labels=["轻", "重"],
        )
    assert "likelihood_labels" in caught.value.message_dict


def test_it_closes_the_matrix_to_other_roles(client, personas):
    for persona in ("staff", "dept_head", "sysadmin", "auditor"):
        client.force_login(getattr(personas, persona))
        assert client.get("/risks/matrix/").status_code == 403
