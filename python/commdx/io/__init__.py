"""File access for the Python side (DESIGN.md: "No stage reads files itself: readers live in io").

Each reader or writer lives in its own module: ``json`` (JSON configs and catalogues),
``tables`` (CSV and XLSX tables), ``output`` (atomic output folders with a manifest).
"""
