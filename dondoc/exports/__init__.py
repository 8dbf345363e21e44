"""XLSX, PDF and SVG renderings of the read models (a directive's report at a cut-off, charts)."""
