"""Appraise: a peer-review workbook for the online resources medical students learn from.

The core package: the domain model, rubrics, storage, aggregation and the ``appraise`` CLI.
It never imports a UI library, so scripts, exports and benchmarks run without a browser.
"""

from __future__ import annotations

from reviews.domain.errors import (
    AppraiseError,
    NotFound,
    PermissionDenied,
    RubricError,
    StorageError,
    ValidationError,
)
from reviews.workbook import Workbook

__version__ = "0.1.0"
__all__ = [
    "AppraiseError",
    "NotFound",
    "PermissionDenied",
    "RubricError",
    "StorageError",
    "ValidationError",
    "Workbook",
]
