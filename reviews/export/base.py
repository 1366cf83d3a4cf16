"""What every export format gets and gives: the request, progress reports, the format record.

A format is a :class:`Format` whose ``render`` turns an :class:`ExportRequest` into bytes. The
request carries the workbook, the options and an optional progress callback; formats report
progress through :meth:`ExportRequest.step` and never print.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from reviews.domain.model import now

if TYPE_CHECKING:
    from reviews.classroom.roles import Actor
    from reviews.workbook import Workbook

#: ``progress(fraction, message)``: fraction of the export done (0 to 1) and what is being done.
ProgressCallback = Callable[[float, str], None]


@dataclass(frozen=True)
class ExportRequest:
    """One export: which workbook, which table (single-table formats), whose names."""

    wb: Workbook
    table: str = "summary"
    identities: bool = False
    actor: Actor | None = None
    rubric: str | None = None
    progress: ProgressCallback | None = None
    started: datetime | None = None

    def step(self, fraction: float, message: str) -> None:
        """Report progress (clamped to 0..1); a no-op without a callback."""
        if self.progress is not None:
            self.progress(min(max(fraction, 0.0), 1.0), message)

    @property
    def generated_at(self) -> datetime:
        return self.started or now()


@dataclass(frozen=True)
class Format:
    """An export format: its name on the command line, file suffix, media type and renderer."""

    name: str
    suffix: str
    media_type: str
    description: str
    render: Callable[[ExportRequest], bytes]
    #: False for formats that hold one table (csv): ``ExportRequest.table`` chooses it.
    all_tables: bool = True
    #: False for formats meant to be shared beyond the class (W3C annotations).
    allows_identities: bool = True
