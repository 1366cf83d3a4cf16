"""The export formats and the one entry point every caller uses (CLI, dashboard, scripts).

Each format lives in its own module (``to_csv.py``, ``to_xlsx.py``, ``to_json.py``,
``to_html.py``, ``to_jsonld.py``) and exposes a :class:`~reviews.export.base.Format` as
``FORMAT``; adding a format is one module and one line below.

:func:`export` checks who may see real names *before* any work, renders the bytes and, when
real names were included, writes an ``export`` event to the audit log (who, which format, which
table, where to, and whether they acted as the administrator).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from reviews.classroom.roles import Actor, audit_note, authorise_identities
from reviews.domain.errors import NotFound, ValidationError
from reviews.domain.model import LIMITS, now
from reviews.export import to_csv, to_html, to_json, to_jsonld, to_xlsx
from reviews.export.base import ExportRequest, Format, ProgressCallback
from reviews.export.tables import TABLES

if TYPE_CHECKING:
    from reviews.workbook import Workbook

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (to_csv.FORMAT, to_xlsx.FORMAT, to_json.FORMAT, to_html.FORMAT, to_jsonld.FORMAT)
}


def get_format(name: str) -> Format:
    if name not in FORMATS:
        raise NotFound(f"unknown export format {name!r}; choose one of {', '.join(FORMATS)}")
    return FORMATS[name]


def export(
    wb: Workbook,
    fmt: str,
    *,
    table: str = "summary",
    include_identities: bool = False,
    actor: Actor | None = None,
    rubric: str | None = None,
    progress: ProgressCallback | None = None,
    destination: str = "",
) -> bytes:
    """The export of ``wb`` in format ``fmt`` as bytes (for a download button or a file).

    ``table`` chooses the table of single-table formats (csv). ``include_identities`` adds
    learners' real names beside their pseudonyms and needs ``actor`` to be a tutor or an
    :class:`~reviews.classroom.roles.Administrator` (else
    :class:`~reviews.domain.errors.PermissionDenied`, before anything is built).
    ``progress(fraction, message)`` is called as the work advances.
    """
    format_ = get_format(fmt)
    if include_identities and not format_.allows_identities:
        raise ValidationError(
            f"{fmt} exports are meant to be shared beyond the class and always use pseudonyms; "
            "leave out the real names (--include-identities)"
        )
    if not format_.all_tables and table not in TABLES:
        raise NotFound(f"unknown table {table!r}; choose one of {', '.join(TABLES)}")
    who = authorise_identities(wb, actor, include_identities)
    wb.rubric(rubric)  # an unknown rubric fails here, not halfway through
    request = ExportRequest(wb, table, include_identities, actor, rubric, progress, now())
    request.step(0.0, f"starting the {fmt} export")
    data = format_.render(request)
    if who is not None and actor is not None:
        what = f"{fmt} export with learners' real names"
        what += f" ({table} table)" if not format_.all_tables else " (all tables)"
        what += f" to {destination}" if destination else ""
        what = what[: LIMITS["text"] - 60] + audit_note(actor)
        wb.log_event("export", wb.config.id, who, what)
    return data


def export_to(
    wb: Workbook,
    fmt: str,
    path: str | os.PathLike[str],
    *,
    table: str = "summary",
    include_identities: bool = False,
    actor: Actor | None = None,
    rubric: str | None = None,
    progress: ProgressCallback | None = None,
    overwrite: bool = False,
) -> Path:
    """Write the export to ``path`` atomically (a reader never sees half a file).

    Refused before anything is computed or logged: a path inside the workbook's folder (after
    resolving symbolic links: an export must never replace a workbook file), an existing file
    unless ``overwrite``, an empty name or a folder.
    """
    target = check_output_path(wb, path, overwrite)
    data = export(
        wb,
        fmt,
        table=table,
        include_identities=include_identities,
        actor=actor,
        rubric=rubric,
        progress=progress,
        destination=str(target),
    )
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def check_output_path(wb: Workbook, path: str | os.PathLike[str], overwrite: bool) -> Path:
    """``path`` as a file an export may write, or a one-line :class:`ValidationError`."""
    if not str(path).strip():
        raise ValidationError(
            "--output is empty: give the name of a file to write (- for standard output)"
        )
    target = Path(path).expanduser()
    resolved = target.resolve()
    if resolved.is_relative_to(wb.path.resolve()):
        raise ValidationError(
            f"--output {target} is inside the workbook folder {wb.path}: an export must never "
            "replace a workbook file; write it somewhere else"
        )
    if resolved.is_dir():
        raise ValidationError(f"--output {target} is a folder: give the name of a file in it")
    if not resolved.parent.is_dir():
        raise ValidationError(f"--output {target}: the folder {target.parent} does not exist")
    if resolved.exists() and not overwrite:
        raise ValidationError(
            f"--output {target} already exists; choose another name, or add --force to replace it"
        )
    return target


def suggested_filename(
    wb: Workbook, fmt: str, table: str | None = None, identities: bool = False
) -> str:
    """A download name such as ``cardiology-block-summary-2026-03-01.csv``; with learners'
    real names, ``…-with-names-…``, so that a file never hides what it holds."""
    format_ = get_format(fmt)
    slug = re.sub(r"[^a-z0-9]+", "-", wb.config.title.lower()).strip("-") or "workbook"
    what = (table or "summary") if not format_.all_tables else "export"
    names = "-with-names" if identities else ""
    return f"{slug[:60]}-{what}{names}-{now().date().isoformat()}{format_.suffix}"
