"""The three grading methods (DOMAIN.md §3) as pure functions, checked over all their inputs."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lianfang.risks import grading
from lianfang.risks.grading import (
    CRITERIA,
    DEFAULT_MATRIX,
    LEVEL_ONE_POWER_TYPES,
    POWER_TYPES,
    GradingError,
    Result,
    by_criteria,
    by_matrix,
    by_power_type,
    check_matrix,
    level_name,
)

levels = st.integers(min_value=1, max_value=3)


@st.composite
def matrices(draw, max_side=6):
    """Any non-empty rectangle of levels 1–3."""
    rows = draw(st.integers(min_value=1, max_value=max_side))
    cols = draw(st.integers(min_value=1, max_value=max_side))
    row = st.lists(levels, min_size=cols, max_size=cols)
    return draw(st.lists(row, min_size=rows, max_size=rows))


@st.composite
def matrix_and_cell(draw):
    cells = draw(matrices())
    likelihood = draw(st.integers(min_value=1, max_value=len(cells)))
    impact = draw(st.integers(min_value=1, max_value=len(cells[0])))
    return cells, likelihood, impact


criteria_sets = st.sets(st.sampled_from(sorted(CRITERIA)))
default_cells = st.tuples(st.integers(1, 4), st.integers(1, 4))


def _fields(call) -> str:
    with pytest.raises(GradingError) as caught:
        call()
    assert caught.value.message
    return caught.value.field


# (a) likelihood × impact matrix


@given(matrix_and_cell())
def test_it_grades_by_the_cell_of_any_rectangular_matrix(case):
    cells, likelihood, impact = case
    assert by_matrix(likelihood, impact, cells).level == cells[likelihood - 1][impact - 1]


@given(matrices(), st.integers(min_value=-5, max_value=12), st.data())
def test_it_refuses_a_likelihood_outside_the_matrix_naming_it(cells, likelihood, data):
    rows, cols = len(cells), len(cells[0])
    impact = data.draw(st.integers(min_value=1, max_value=cols))
    if 1 <= likelihood <= rows:
        assert by_matrix(likelihood, impact, cells).level in (1, 2, 3)
    else:
        assert _fields(lambda: by_matrix(likelihood, impact, cells)) == "likelihood"


@given(matrices(), st.integers(min_value=-5, max_value=12), st.data())
def test_it_refuses_an_impact_outside_the_matrix_naming_it(cells, impact, data):
    rows, cols = len(cells), len(cells[0])
    likelihood = data.draw(st.integers(min_value=1, max_value=rows))
    if 1 <= impact <= cols:
        assert by_matrix(likelihood, impact, cells).level in (1, 2, 3)
    else:
        assert _fields(lambda: by_matrix(likelihood, impact, cells)) == "impact"


@pytest.mark.parametrize(
    ("likelihood", "impact", "field"),
    [(None, 2, "likelihood"), ("2", 2, "likelihood"), (2.0, 2, "likelihood"), (2, None, "impact")],
)
def test_it_refuses_likelihood_and_impact_that_are_not_whole_numbers(likelihood, impact, field):
    assert _fields(lambda: by_matrix(likelihood, impact)) == field


@given(default_cells)
def test_it_never_lowers_the_severity_for_a_higher_likelihood_or_impact(cell):
    likelihood, impact = cell
    level = by_matrix(likelihood, impact).level
    if likelihood < 4:
        assert by_matrix(likelihood + 1, impact).level <= level
    if impact < 4:
        assert by_matrix(likelihood, impact + 1).level <= level


@given(default_cells)
def test_it_grades_the_default_matrix_by_the_product_of_likelihood_and_impact(cell):
    likelihood, impact = cell
    product = likelihood * impact
    expected = 1 if product >= 8 else 2 if product >= 4 else 3
    assert by_matrix(likelihood, impact).level == expected


def test_it_uses_the_default_4x4_matrix_when_given_none():
    assert len(DEFAULT_MATRIX) == 4 and {len(row) for row in DEFAULT_MATRIX} == {4}
    assert by_matrix(4, 4).level == 1
    assert by_matrix(1, 1).level == 3
    assert _fields(lambda: by_matrix(5, 1)) == "likelihood"


@given(matrix_and_cell())
def test_it_explains_a_matrix_grading_with_its_inputs(case):
    cells, likelihood, impact = case
    result = by_matrix(likelihood, impact, cells)
    assert f"可能性 {likelihood}" in result.rationale
    assert f"影响程度 {impact}" in result.rationale
    assert f"{len(cells)}×{len(cells[0])}" in result.rationale
    assert level_name(result.level) in result.rationale


# (b) the five criteria


@given(criteria_sets)
def test_it_grades_by_the_number_of_criteria_met(criteria):
    expected = 1 if len(criteria) >= 3 else 2 if len(criteria) == 2 else 3
    assert by_criteria(criteria).level == expected


@given(criteria_sets, criteria_sets)
def test_it_never_lowers_the_severity_when_more_criteria_are_met(some, more):
    assert by_criteria(some | more).level <= by_criteria(some).level


@given(st.lists(st.sampled_from(sorted(CRITERIA)), max_size=10))
def test_it_counts_a_criterion_named_twice_once(criteria):
    assert by_criteria(criteria) == by_criteria(set(criteria))


@given(criteria_sets, st.text(min_size=1).filter(lambda t: t not in CRITERIA))
def test_it_refuses_an_unknown_criterion_naming_it(criteria, unknown):
    with pytest.raises(GradingError) as caught:
        by_criteria([*criteria, unknown])
    assert caught.value.field == "criteria"
    assert unknown in caught.value.message


@given(criteria_sets)
def test_it_explains_a_criteria_grading_with_the_criteria_met(criteria):
    result = by_criteria(criteria)
    assert f"符合 {len(criteria)} 项标准" in result.rationale
    for code, label in CRITERIA.items():
        assert (str(label) in result.rationale) == (code in criteria)
    assert level_name(result.level) in result.rationale


# (c) power type


@given(st.sampled_from(sorted(LEVEL_ONE_POWER_TYPES)), levels)
def test_it_makes_the_listed_power_types_level_one_whatever_the_base(power_type, base_level):
    result = by_power_type(power_type, Result(base_level, "base"))
    assert result.level == 1
    assert str(POWER_TYPES[power_type]) in result.rationale


@given(levels)
def test_it_keeps_the_base_level_for_other_power(base_level):
    base = Result(base_level, "按矩阵定级")
    result = by_power_type("other", base)
    assert result.level == base_level
    assert "按矩阵定级" in result.rationale
    assert str(POWER_TYPES["other"]) in result.rationale


def test_it_lists_the_eight_level_one_power_types_of_the_domain():
    assert {
        "approval",
        "enforcement",
        "penalty",
        "fees",
        "project_approval",
        "personnel",
        "finance",
        "procurement",
    } == LEVEL_ONE_POWER_TYPES


@given(st.one_of(st.none(), st.text().filter(lambda t: t not in POWER_TYPES)))
def test_it_refuses_an_unknown_power_type_naming_it(power_type):
    assert _fields(lambda: by_power_type(power_type, Result(3, ""))) == "power_type"


# The matrix as data


@given(matrices())
def test_it_accepts_any_rectangle_of_levels(cells):
    check_matrix(cells)


@given(matrices(), st.data())
def test_it_refuses_a_ragged_matrix(cells, data):
    row = data.draw(st.integers(min_value=0, max_value=len(cells) - 1))
    extra = data.draw(st.lists(levels, min_size=1, max_size=3))
    ragged = [list(r) for r in cells] + [list(cells[0]) + extra]
    ragged[row], ragged[-1] = ragged[-1], ragged[row]
    assert _fields(lambda: check_matrix(ragged)) == "cells"


@pytest.mark.parametrize("cells", [None, [], [[]], [[1], []], [(1, 2)], ["12"], {"a": 1}])
def test_it_refuses_an_empty_or_shapeless_matrix(cells):
    assert _fields(lambda: check_matrix(cells)) == "cells"


@given(
    matrices(),
    st.data(),
    st.one_of(
        st.integers().filter(lambda n: n not in (1, 2, 3)),
        st.none(),
        st.text(max_size=2),
    ),
)
def test_it_refuses_a_matrix_with_a_level_outside_one_to_three(cells, data, bad):
    row = data.draw(st.integers(min_value=0, max_value=len(cells) - 1))
    col = data.draw(st.integers(min_value=0, max_value=len(cells[0]) - 1))
    cells = [list(r) for r in cells]
    cells[row][col] = bad
    assert _fields(lambda: check_matrix(cells)) == "cells"


def test_it_names_the_levels_on_the_one_scale():
    assert [level_name(n) for n in (1, 2, 3)] == ["一级（高）", "二级（中）", "三级（低）"]
    assert grading.DEFAULT_MATRIX is DEFAULT_MATRIX
