"""The three registration forms (登记表, the seed's attachments 1–3): on screen, printed,
exported to .xlsx and .docx, and imported from .xlsx.

- `columns`: one column table per register and the cell codecs, shared by everything here;
- `rows`: reads (a register's risks inside the user's scope, as rows, in chunks);
- `exports`: the export and template services (the export leaves an audit entry);
- `xlsx`, `docx`: the file writers;
- `reading`, `names`, `importer`, `bulk`: the all-or-nothing import (file checks, name
  resolution inside the scope, validation, set-based writes);
- `forms`: the page forms.
"""
