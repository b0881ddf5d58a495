"""The power list (权力清单) in and out of office files (issue 4, scope item 7).

- `columns`: the columns of the list and the cell codecs (a power item ⇄ cell text);
- `xlsx`, `docx`: the file writers (the list, the import template, the flowchart table);
- `exports`: what the pages and the API call: the data-scoped, audited exports;
- `importer`: the all-or-nothing import through `powers.services`.

The spreadsheet plumbing is the risk registers' (`lianfang.risks.registers`): the safe reading
of uploads, the formula neutralisation, the styles and the issue list are imported from there.
"""
