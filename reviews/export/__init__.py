"""Exports: the workbook's tables and annotations in csv, xlsx, json, html and jsonld.

One module per format (``to_*.py``), the shared tables (``tables.py``) and the registry with
the entry points (``registry.py``); ``appraise export`` is :mod:`reviews.cli.export`.

A new format is one ``to_<format>.py`` registered in ``registry.py``; the tables every format
shares are built once in ``tables.py``. Does not belong here: reading or importing workbooks
(:mod:`reviews.io`).
"""

from __future__ import annotations

from reviews.export.base import ExportRequest, Format, ProgressCallback
from reviews.export.registry import FORMATS, export, export_to, get_format, suggested_filename
from reviews.export.tables import TABLES

__all__ = [
    "FORMATS",
    "TABLES",
    "ExportRequest",
    "Format",
    "ProgressCallback",
    "export",
    "export_to",
    "get_format",
    "suggested_filename",
]
