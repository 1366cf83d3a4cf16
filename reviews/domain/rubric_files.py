"""Rubric files: the built-ins shipped in ``reviews/rubrics/`` and a workbook's ``rubrics/``.

Every problem in a file becomes one line naming the file and the field, because the person
fixing it is a tutor with a text editor, not a developer reading a traceback. A broken file
never stops the others from loading.
"""

from __future__ import annotations

import difflib
import functools
import threading
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError as PydanticValidationError

from reviews.domain.errors import RubricError
from reviews.domain.rubric import (
    BUILTIN_DIR,
    Condition,
    Item,
    Provenance,
    Rubric,
    Scale,
    Scoring,
    Verdict,
    _loc,
)


@functools.cache
def _field_names() -> tuple[str, ...]:
    models = (Scale, Item, Provenance, Scoring, Condition, Verdict, Rubric)
    return tuple(sorted({name for model in models for name in model.model_fields}))


def _describe(err: Any) -> str:
    """Pydantic's wording, made shorter and pointed at the YAML author."""
    kind, value = err["type"], err.get("input")
    if kind == "appraise":
        return str(err["ctx"]["msg"])
    if kind == "missing":
        return "this field is required"
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(err["loc"][-1]), _field_names(), n=1)
        return "unknown field" + (f"; did you mean '{close[0]}'?" if close else "")
    msg = str(err["msg"]).removeprefix("Value error, ").replace("Input should be", "should be")
    return msg if isinstance(value, dict | list) else f"{msg} (got {value!r})"


def _problems(exc: PydanticValidationError) -> list[str]:
    """One line per problem: 'field.path[2].name: what is wrong'."""
    lines = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if p != "[key]")
        nested = err["ctx"]["problems"] if err["type"] == "appraise" else None
        if nested:
            lines += [f"{_loc(loc + sub)}: {msg}" for sub, msg in nested]
        else:
            lines.append(f"{_loc(loc)}: {_describe(err)}")
    return list(dict.fromkeys(lines))


def _parse(path: Path, display: str) -> Rubric | list[str]:
    """Load one file: the rubric, or its problems, each line starting with ``display``."""
    try:
        data = yaml.safe_load(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        return [f"{display}: cannot be read ({exc.strerror or exc})"]
    except UnicodeDecodeError:
        return [f"{display}: is not UTF-8 text; save it with UTF-8 encoding"]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        if isinstance(exc, yaml.constructor.ConstructorError):
            return [f"{display}: {where}tags like !!python/... are not allowed; use plain data"]
        return [f"{display}: {where}{getattr(exc, 'problem', None) or exc}"]
    if not isinstance(data, dict):
        return [f"{display}: must be a YAML mapping of fields (schema_version, id, name, ...)"]
    try:
        rubric = Rubric.model_validate(data, context={"stem": path.stem})
    except PydanticValidationError as exc:
        return [f"{display}: {line}" for line in _problems(exc)]
    rubric._source = display
    return rubric


def _display(path: Path) -> str:
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def load_rubric(path: Path | str) -> Rubric:
    """Load one rubric file; raise RubricError listing every problem, one per line."""
    result = _parse(Path(path), _display(Path(path)))
    if isinstance(result, list):
        raise RubricError("\n".join(result))
    return result


@functools.cache
def _builtins() -> dict[str, Rubric]:
    found: dict[str, Rubric] = {}
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        rubric = load_rubric(path)
        if not rubric.provenance.license_note:  # built-ins must state their licensing
            raise RubricError(f"{_display(path)}: provenance.license_note: this field is required")
        rubric._source = "built-in"
        found[rubric.id] = rubric
    return found


def builtin_rubrics() -> dict[str, Rubric]:
    """The rubrics shipped with Appraise, by id (a fresh dict; the rubrics are cached)."""
    return dict(_builtins())


_file_cache: dict[Path, tuple[tuple[int, int], Rubric | list[str]]] = {}
_cache_lock = threading.Lock()


def _cached_parse(path: Path) -> Rubric | list[str]:
    """Parse again only when (mtime_ns, size) changed: the dashboard calls load_rubrics on
    every submission, and a tutor's edit must still show up without a restart."""
    try:
        stat = path.stat()
    except OSError as exc:
        return [f"{_display(path)}: cannot be read ({exc.strerror or exc})"]
    key = (stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        hit = _file_cache.get(path)
    if hit is None or hit[0] != key:
        hit = (key, _parse(path, _display(path)))
        with _cache_lock:
            _file_cache[path] = hit
    return hit[1]


def load_rubrics(folder: Path | None) -> tuple[dict[str, Rubric], list[str]]:
    """Built-ins plus every *.yaml / *.yml in the workbook's rubrics folder; a file with a
    built-in's id replaces it. A broken file never hides the others: its problems come back
    as one-line messages starting with the file name."""
    rubrics, problems = builtin_rubrics(), list[str]()
    if folder is None or not Path(folder).is_dir():
        return rubrics, problems
    paths = sorted(Path(folder).resolve().iterdir())
    custom: dict[str, str] = {}
    for path in paths:
        if path.suffix.lower() not in (".yaml", ".yml") or path.name.startswith((".", "~")):
            continue  # editors' hidden and backup files are not rubrics
        result = _cached_parse(path)
        if isinstance(result, list):
            problems += result
        elif result.id in custom:
            problems.append(
                f"{result.source}: id: '{result.id}' is already used by {custom[result.id]}"
            )
        else:
            custom[result.id] = result.source
            rubrics[result.id] = result
    return rubrics, problems
