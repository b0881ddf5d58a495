"""Legal bases and responsibility items as the lines Chinese power lists print them in.

A basis line is `《文件名》第六条：条文摘录`; a responsibility line is `受理责任：内容`. Forms,
spreadsheets and the portal all use these lines, so one parser and one formatter serve them.
"""

import re

from django.utils.translation import gettext as _

BASIS_LINE = re.compile(
    r"^(《[^》]+》)\s*((?:第[^：:，,\s《》第]{1,12}?[章节条款项])*)\s*[：:，,]?\s*(.*)$"
)
RESPONSIBILITY_LINE = re.compile(r"^([^：:]{1,30})[：:]\s*(.+)$")


class LineError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def _lines(text: str):
    for number, line in enumerate((text or "").splitlines(), start=1):
        if line.strip():
            yield number, line.strip()


def parse_bases(text: str) -> list[dict]:
    bases = []
    for number, line in _lines(text):
        match = BASIS_LINE.match(line)
        if not match:
            raise LineError(
                number,
                _("第%(line)d行应以《文件名称》开头，如“《营业性演出管理条例》第六条：……”。")
                % {"line": number},
            )
        document, article, excerpt = match.groups()
        bases.append({"document": document, "article": article or "", "excerpt": excerpt})
    return bases


def format_bases(bases: list[dict]) -> str:
    return "\n".join(
        f"{b['document']}{b['article']}" + (f"：{b['excerpt']}" if b["excerpt"] else "")
        for b in bases
    )


def parse_responsibilities(text: str) -> list[dict]:
    items = []
    for number, line in _lines(text):
        match = RESPONSIBILITY_LINE.match(line)
        if not match:
            raise LineError(
                number,
                _("第%(line)d行应写成“环节：责任内容”，如“受理责任：……”。") % {"line": number},
            )
        items.append({"stage": match[1].strip(), "content": match[2].strip()})
    return items


def format_responsibilities(items: list[dict]) -> str:
    return "\n".join(f"{r['stage']}：{r['content']}" for r in items)


def basis_keys(bases: list[dict]) -> set[tuple[str, str]]:
    """What makes two bases the same provision: the document and the article."""
    return {(b["document"], b["article"]) for b in bases}
