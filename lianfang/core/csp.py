"""Per-view relaxations of the Content-Security-Policy, each with its decision record."""

from csp.decorators import csp_update

# Mermaid's SVG carries inline styles (docs/decisions/0005); scripts stay 'self' only.
flowchart_styles = csp_update({"style-src": ["'unsafe-inline'"]})
