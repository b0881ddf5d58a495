"""Power-operation flowcharts as plain data: the rules a flow must keep, its Mermaid source,
and the three-column table 工作流程 | 廉政风险点 | 防控措施.

Steps are dicts with `key`, `kind`, `name`, `limit_days` (and whatever else the caller keeps);
edges are dicts with `source`, `target` (step keys) and `condition`. Kept free of the ORM so the
editor can check a flow before anything is saved, and so the rules are property-testable.
"""

import re
from collections import deque
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

START, STEP, DECISION, END = "start", "step", "decision", "end"


@dataclass(frozen=True)
class FlowError:
    field: str
    message: str


def flow_errors(
    steps: list[dict], edges: list[dict], promised: int | None, legal: int | None
) -> list[FlowError]:
    """Everything wrong with a flow; an empty flow (no steps) is no flowchart, not an error."""
    if not steps and not edges:
        return []
    errors = _structure_errors(steps, edges)
    if not errors:
        errors += _reachability_errors(steps, edges)
    errors += _limit_errors(steps, promised, legal)
    return errors


def _structure_errors(steps, edges) -> list[FlowError]:
    errors = []
    keys = [s["key"] for s in steps]
    by_key = {s["key"]: s for s in steps}
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        errors.append(FlowError("steps", _("环节标识“%(key)s”重复。") % {"key": key}))
    kinds = [s["kind"] for s in steps]
    if kinds.count(START) != 1:
        errors.append(FlowError("steps", _("流程须有且只有一个开始环节。")))
    if END not in kinds:
        errors.append(FlowError("steps", _("流程须至少有一个结束环节。")))
    for edge in edges:
        for end in ("source", "target"):
            if edge[end] not in by_key:
                message = _("连线指向不存在的环节“%(key)s”。") % {"key": edge[end]}
                errors.append(FlowError("edges", message))
    pairs = [(e["source"], e["target"], e["condition"].strip()) for e in edges]
    for source, target, _condition in sorted({p for p in pairs if pairs.count(p) > 1}):
        message = _("从“%(source)s”到“%(target)s”的连线重复。")
        errors.append(FlowError("edges", message % {"source": source, "target": target}))
    exits = {key: [e for e in edges if e["source"] == key] for key in by_key}
    for step in steps:
        errors += _exit_errors(step, exits[step["key"]])
    return errors


def _exit_errors(step: dict, exits: list[dict]) -> list[FlowError]:
    name = step["name"]
    if step["kind"] == END:
        if exits:
            return [FlowError("edges", _("结束环节“%(name)s”不能再有出口。") % {"name": name})]
        return []
    if step["kind"] == DECISION:
        conditions = [e["condition"].strip() for e in exits]
        if len(exits) < 2:
            message = _("判断环节“%(name)s”须至少有两个出口。") % {"name": name}
            return [FlowError("edges", message)]
        if not all(conditions) or len(set(conditions)) != len(conditions):
            message = _("判断环节“%(name)s”的各出口须标明不同的条件。") % {"name": name}
            return [FlowError("edges", message)]
        return []
    if not exits:
        return [FlowError("edges", _("环节“%(name)s”没有出口，流程走不下去。") % {"name": name})]
    return []


def _reachability_errors(steps, edges) -> list[FlowError]:
    start = next(s["key"] for s in steps if s["kind"] == START)
    reached = reachable(start, edges)
    return [
        FlowError("steps", _("环节“%(name)s”从开始环节无法到达。") % {"name": s["name"]})
        for s in steps
        if s["key"] not in reached
    ]


def reachable(start: str, edges: list[dict]) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        key = queue.popleft()
        for edge in edges:
            if edge["source"] == key and edge["target"] not in seen:
                seen.add(edge["target"])
                queue.append(edge["target"])
    return seen


def _limit_errors(steps, promised, legal) -> list[FlowError]:
    message = over_limit(sum(s["limit_days"] or 0 for s in steps), promised, legal)
    return [FlowError("steps", message)] if message else []


def over_limit(total: int, promised: int | None, legal: int | None) -> str | None:
    """Why step limits adding up to `total` do not fit the item's limits, or None."""
    ceiling, name = (promised, _("承诺时限")) if promised is not None else (legal, _("法定时限"))
    if ceiling is None or total <= ceiling:
        return None
    return _("各环节办理时限合计%(total)d个工作日，超过%(name)s%(limit)d个工作日。") % {
        "total": total,
        "name": name,
        "limit": ceiling,
    }


# Mermaid reads these characters as syntax even inside a quoted label.
_MERMAID_ESCAPES = {
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "#": "#35;",
    "|": "#124;",
}
_SHAPES = {START: ('(["', '"])'), END: ('(["', '"])'), DECISION: ('{"', '"}'), STEP: ('["', '"]')}


def _label(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return "".join(_MERMAID_ESCAPES.get(ch, ch) for ch in text)


def mermaid(
    steps: list[dict], edges: list[dict], levels: dict[str, int], marks: list[str], colours
) -> str:
    """The flowchart as Mermaid source. `levels` maps a step key to the highest level of the
    risks on it (1 highest); such steps carry the level's mark and colour."""
    ids = {s["key"]: f"n{i}" for i, s in enumerate(steps)}
    lines = ["flowchart TD"]
    for step in steps:
        text = step["name"]
        if step.get("post_name"):
            text += f"\n{step['post_name']}"
        if step["limit_days"]:
            days = step["limit_days"]
            text += "\n" + ngettext("%(days)d个工作日", "%(days)d个工作日", days) % {"days": days}
        level = levels.get(step["key"])
        if level:
            text += f"\n{marks[level - 1]}"
        opening, closing = _SHAPES[step["kind"]]
        label = "<br/>".join(_label(part) for part in text.split("\n"))
        lines.append(f"  {ids[step['key']]}{opening}{label}{closing}")
        if level:
            lines.append(f"  class {ids[step['key']]} level{level}")
    for edge in edges:
        arrow = f" -->|{_label(edge['condition'])}| " if edge["condition"] else " --> "
        lines.append(f"  {ids[edge['source']]}{arrow}{ids[edge['target']]}")
    for level, colour in enumerate(colours, start=1):
        lines.append(f"  classDef level{level} fill:{colour},stroke:#b22222,stroke-width:2px")
    return "\n".join(lines)
