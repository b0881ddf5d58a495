"""Flowchart rules and texts as pure functions: property-based where the rule is numeric."""

import re
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from lianfang.powers import flows, texts


def _chain(limits: list[int]) -> tuple[list[dict], list[dict]]:
    """start → step… → end, one step per limit."""
    steps = [{"key": "start", "kind": "start", "name": "开始", "limit_days": 0}]
    steps += [
        {"key": f"s{i}", "kind": "step", "name": f"环节{i}", "limit_days": days}
        for i, days in enumerate(limits)
    ]
    steps.append({"key": "end", "kind": "end", "name": "办结", "limit_days": 0})
    edges = [{"source": a["key"], "target": b["key"], "condition": ""} for a, b in pairwise(steps)]
    return steps, edges


limits = st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=12)
ceiling = st.none() | st.integers(min_value=0, max_value=200)


@given(limits, ceiling, ceiling)
def test_it_accepts_a_chain_exactly_when_its_limits_fit(days, promised, legal):
    steps, edges = _chain(days)
    bound = promised if promised is not None else legal
    fits = bound is None or sum(days) <= bound
    assert (flows.flow_errors(steps, edges, promised, legal) == []) == fits


@given(limits)
def test_it_always_finds_a_step_nothing_leads_to(days):
    steps, edges = _chain(days)
    steps.insert(2, {"key": "lost", "kind": "step", "name": "孤立环节", "limit_days": 0})
    edges.append({"source": "lost", "target": "end", "condition": ""})
    errors = flows.flow_errors(steps, edges, None, None)
    assert any("孤立环节" in e.message and "无法到达" in e.message for e in errors)


@given(st.integers(min_value=0, max_value=1))
def test_it_wants_two_labelled_exits_from_a_decision(extra_exits):
    steps, edges = _chain([1, 1])
    steps[1]["kind"] = "decision"
    if extra_exits:
        edges.append({"source": "s0", "target": "end", "condition": "不予许可"})
        edges[1]["condition"] = "准予许可"
    errors = flows.flow_errors(steps, edges, None, None)
    assert (errors == []) == bool(extra_exits)


def test_it_treats_no_steps_as_no_flowchart():
    assert flows.flow_errors([], [], 10, 20) == []


text = st.text(min_size=1, max_size=40)


@given(text, text)
def test_it_keeps_labels_from_breaking_the_mermaid_source(name, condition):
    steps, edges = _chain([1])
    steps[1]["name"] = name
    edges[0]["condition"] = condition.strip() or "x"
    source = flows.mermaid(steps, edges, {"s0": 1}, ["★★★", "★★", "★"], ["#ffffff"] * 3)
    node = next(line for line in source.splitlines() if line.strip().startswith("n1["))
    label = re.fullmatch(r'\s*n1\["(.*)"\]', node)[1]
    assert '"' not in label and "<" not in label.replace("<br/>", "")
    assert "\n" not in label
    edge = next(line for line in source.splitlines() if "-->|" in line)
    assert edge.count("|") == 2


def test_it_marks_a_risky_step_with_its_level():
    steps, edges = _chain([1, 2])
    source = flows.mermaid(steps, edges, {"s1": 2}, ["★★★", "★★", "★"], ["#aaaaaa"] * 3)
    assert "★★" in source and "class n2 level2" in source
    assert "classDef level2 fill:#aaaaaa" in source


documents = st.from_regex(r"《[\u4e00-\u9fa5]{2,12}》", fullmatch=True)
articles = st.from_regex(r"(第[一二三四五六七八九十]{1,3}条)?", fullmatch=True)
excerpts = st.from_regex(r"[\u4e00-\u9fa5，]{0,20}", fullmatch=True)


@given(
    st.lists(
        st.fixed_dictionaries({"document": documents, "article": articles, "excerpt": excerpts}),
        max_size=5,
    )
)
def test_it_reads_back_the_basis_lines_it_writes(bases):
    expected = [{**b, "excerpt": b["excerpt"]} for b in bases]
    assert texts.parse_bases(texts.format_bases(bases)) == expected
