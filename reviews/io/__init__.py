"""Input and output of whole workbooks: CSV import (``importer.py``), the integrity check
behind ``appraise check`` (``check.py``) and the demo workbook (``demo/``).

Code here works on a :class:`reviews.workbook.Workbook` from the outside, through its API.
Exports, one module per format, live in :mod:`reviews.export`; the command line that calls both
lives in :mod:`reviews.cli`.
"""
