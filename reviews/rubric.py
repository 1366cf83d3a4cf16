"""Review rubrics: published appraisal instruments and tutors' own, described as YAML data.

Rubrics are data, not code, so that a tutor can add or adapt one with a text editor, and so that
a rubric file can never run anything: files are read with ``yaml.safe_load`` and checked against
a strict schema (``schema_version: 1``, documented in docs/rubric-authoring.md). Every problem is
reported as one line naming the file and the field, because the person fixing it is a tutor, not
a developer reading a traceback. The score range is always computed from the scales and weights,
never typed in, so bands cannot silently drift out of reach.

The light web dashboard imports this module on every request path: keep pandas out of it.
"""

from __future__ import annotations

import difflib
import functools
import math
import numbers
import re
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from reviews.errors import NotFound, RubricError, ValidationError

SCHEMA_VERSION = 1
Kind = Literal[
    "all", "video", "article", "wiki", "blog", "podcast", "tweetorial", "infographic", "other"
]
RESOURCE_KINDS: tuple[str, ...] = get_args(Kind)[1:]
RESERVED_VERDICTS = ("provisional", "unrated", "no_verdict")  # produced by verdict() itself
BUILTIN_DIR = Path(__file__).parent / "rubrics"
_EPS = 1e-9  # a mean of 29.999999999 must still reach a band that starts at 30
_MAX_BYTES = 512_000  # a rubric is a page of text; refuse anything that is clearly not one
_MAX_POINTS = 21
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_OPS: dict[str, Callable[[float, float], bool]] = {
    "==": lambda a, b: abs(a - b) <= _EPS,
    "!=": lambda a, b: abs(a - b) > _EPS,
    "<": lambda a, b: a < b - _EPS,
    "<=": lambda a, b: a <= b + _EPS,
    ">": lambda a, b: a > b + _EPS,
    ">=": lambda a, b: a >= b - _EPS,
}
Loc = tuple[str | int, ...]


def _fail(msg: str, problems: list[tuple[Loc, str]] | None = None) -> PydanticCustomError:
    """A pydantic error whose text is ours; ``problems`` carries several (sub-location, message)
    pairs out of one model validator so that each becomes its own line with a precise field."""
    return PydanticCustomError("appraise", "{msg}", {"msg": msg, "problems": problems or []})


def _raise_all(problems: list[tuple[Loc, str]]) -> None:
    if problems:
        raise _fail("; ".join(f"{_loc(loc)}: {msg}" for loc, msg in problems), problems)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _text(value: object) -> object:
    """Text fields: YAML reads a bare ``No`` as false, a classic trap for yes/no labels."""
    if isinstance(value, bool):
        word = "Yes" if value else "No"
        raise _fail(
            f'YAML read this as {str(value).lower()}; put the text in quotes, e.g. "{word}"'
        )
    if isinstance(value, int | float):
        return _num(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _fail("must not be empty")
    return value.strip() if isinstance(value, str) else value


def _slug(value: object) -> object:
    if isinstance(value, str) and not _SLUG.fullmatch(value):
        raise _fail(
            f"'{value}' is not a valid id: use lower-case letters, digits, '-' and '_', "
            "starting with a letter or digit"
        )
    return value


Text = Annotated[str, BeforeValidator(_text)]
OptionalText = Annotated[str, BeforeValidator(lambda v: "" if v is None else v)]
Slug = Annotated[str, BeforeValidator(_slug)]


class _Frozen(BaseModel):
    # extra="forbid" turns a typo'd key into an error instead of a silently ignored setting.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scale(_Frozen):
    """Whole-number points min..max, each with its own anchor text (anchored scales are more
    reliable than bare Likert scales, so an unlabelled point is an error, not a default)."""

    type: Literal["ordinal", "binary"] = "ordinal"
    min: int
    max: int
    labels: dict[int, Text]

    @model_validator(mode="before")
    @classmethod
    def _binary_defaults(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("type") == "binary":
            return {"min": 0, "max": 1, **data}
        return data

    @model_validator(mode="after")
    def _every_point_labelled(self) -> Scale:
        lo, hi, problems = self.min, self.max, []
        if lo >= hi:
            problems.append((("max",), f"must be greater than min ({lo}); got {hi}"))
        elif hi - lo + 1 > _MAX_POINTS:
            problems.append((("max",), f"a scale may have at most {_MAX_POINTS} points"))
        elif self.type == "binary" and (lo, hi) != (0, 1):
            problems.append((("type",), "a binary scale runs from 0 (not met) to 1 (met)"))
        else:
            missing = [str(p) for p in range(lo, hi + 1) if p not in self.labels]
            outside = [str(p) for p in sorted(self.labels) if not lo <= p <= hi]
            if missing:
                msg = f"every point from {lo} to {hi} needs a label (missing {', '.join(missing)})"
                problems.append((("labels",), msg))
            if outside:
                msg = (
                    f"labels are only allowed for points {lo} to {hi} (remove {', '.join(outside)})"
                )
                problems.append((("labels",), msg))
        _raise_all(problems)
        return self


class _UnknownScale(str):
    """Marks an item's scale name that matches no named scale, so the error lands on the item."""


class Item(_Frozen):
    """One question a reviewer answers. ``scale`` is always a resolved :class:`Scale`."""

    id: Slug
    prompt: Text
    help: Text
    scale: Scale
    weight: Annotated[float, Field(gt=0, le=100)] = 1.0
    allow_na: bool = False

    @field_validator("scale", mode="before")
    @classmethod
    def _scale_name_known(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise _fail(value if isinstance(value, _UnknownScale) else f"unknown scale '{value}'")
        return value


class Provenance(_Frozen):
    """Where a rubric comes from: students and tutors must see what is a published instrument,
    what was modified, and whose words the anchors are (see the licensing notes in the docs)."""

    instrument: Text
    citation: list[Text] = []
    modified: bool = False
    wording: Literal["verbatim", "paraphrased", "original"]
    license_note: OptionalText = ""

    @field_validator("citation", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [] if value is None else [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _published_needs_citation(self) -> Provenance:
        if not self.citation and self.wording != "original":
            msg = "a published instrument needs at least one citation (only wording: original may omit it)"
            _raise_all([(("citation",), msg)])
        return self


class Scoring(_Frozen):
    method: Literal["sum", "mean", "single_item"] = "sum"


class Condition(_Frozen):
    """A gate on the reviewers' mean for one item, e.g. accuracy >= 5 for an honourable mention."""

    item: str
    op: Literal["==", "!=", "<", "<=", ">", ">="]
    value: float

    def holds(self, mean: float | None) -> bool:
        return mean is not None and not math.isnan(mean) and _OPS[self.op](mean, self.value)


class Verdict(_Frozen):
    """A band: chosen when the score is at least ``min`` and every condition holds."""

    id: Slug
    label: Text
    min: float | None = None
    conditions: list[Condition] = []


class Rubric(_Frozen):
    """A validated rubric. Build it with :func:`load_rubric`, not by hand, so the file name
    check and the one-line error messages apply."""

    schema_version: int
    id: Slug
    name: Text
    version: Text = "1"
    description: OptionalText = ""
    provenance: Provenance
    applies_to: Annotated[list[Kind], Field(min_length=1)] = ["all"]
    min_reviewers: Annotated[int, Field(ge=1, le=100)] = 3
    scales: dict[Slug, Scale] = {}
    items: Annotated[list[Item], Field(min_length=1)]
    scoring: Scoring = Scoring()
    verdicts: list[Verdict] = []
    _source: str = PrivateAttr(default="")

    @field_validator("schema_version", mode="before")
    @classmethod
    def _known_schema(cls, value: Any) -> Any:
        if value != SCHEMA_VERSION or isinstance(value, bool):
            raise _fail(
                f"this version of Appraise reads schema_version {SCHEMA_VERSION} (got {value!r})"
            )
        return value

    @field_validator("applies_to", mode="before")
    @classmethod
    def _one_kind(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="before")
    @classmethod
    def _resolve_named_scales(cls, data: Any) -> Any:
        """Replace ``scale: likert7`` by the named scale. A broken named scale gets a stand-in so
        it is reported once (under ``scales``), not again for every item that uses it."""
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            return data
        named: dict[Any, Scale] = {}
        for name, spec in (
            data.get("scales") if isinstance(data.get("scales"), dict) else {}
        ).items():
            try:
                named[name] = Scale.model_validate(spec)
            except PydanticValidationError:
                named[name] = Scale(min=0, max=1, labels={0: "-", 1: "-"})
        known = ", ".join(map(str, named)) or "none"
        items = []
        for item in data["items"]:
            ref = item.get("scale") if isinstance(item, dict) else None
            if isinstance(ref, str):
                msg = f"unknown scale '{ref}' (scales defined in this file: {known})"
                item = {**item, "scale": named.get(ref, _UnknownScale(msg))}
            items.append(item)
        return {**data, "items": items}

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Rubric:
        problems: list[tuple[Loc, str]] = []
        stem = (info.context or {}).get("stem")
        if stem is not None and self.id != stem:
            msg = (
                f"'{self.id}' must match the file name '{stem}' (rename the file or change the id)"
            )
            problems.append((("id",), msg))
        if "all" in self.applies_to and len(self.applies_to) > 1:
            problems.append((("applies_to",), "use either [all] or a list of kinds, not both"))
        first: dict[str, int] = {}
        for i, item in enumerate(self.items):
            if item.id in first:
                msg = f"duplicate item id '{item.id}' (already used by items[{first[item.id]}])"
                problems.append((("items", i, "id"), msg))
            first.setdefault(item.id, i)
        if self.scoring.method == "single_item" and len(self.items) != 1:
            msg = f"single_item needs exactly one item (this rubric has {len(self.items)})"
            problems.append((("scoring", "method"), msg))
        else:
            problems += self._verdict_problems()
        _raise_all(problems)
        return self

    def _verdict_problems(self) -> list[tuple[Loc, str]]:
        """First match wins, so bands must run from the highest min down; a band that an earlier
        unconditional band always pre-empts is a mistake worth reporting."""
        problems: list[tuple[Loc, str]] = []
        lo, hi = self.score_range
        items = {item.id: item for item in self.items}
        seen: set[str] = set()
        last_min: float | None = None
        covering: list[tuple[int, float]] = []  # earlier bands without conditions
        for i, band in enumerate(self.verdicts):
            at: Loc = ("verdicts", i)
            if band.id in RESERVED_VERDICTS or band.id in seen:
                why = "is already used" if band.id in seen else "is reserved for Appraise's own use"
                problems.append(((*at, "id"), f"'{band.id}' {why}"))
            seen.add(band.id)
            floor = lo if band.min is None else band.min
            if band.min is None and i != len(self.verdicts) - 1:
                problems.append((at, "only the last verdict may leave out 'min' (a catch-all)"))
            elif band.min is not None and not lo - _EPS <= band.min <= hi + _EPS:
                msg = f"{_num(band.min)} is outside the score range {_num(lo)} to {_num(hi)}"
                problems.append(((*at, "min"), msg))
            elif band.min is not None and last_min is not None and band.min > last_min + _EPS:
                msg = (
                    f"{_num(band.min)} is higher than an earlier verdict's min ({_num(last_min)}); "
                    "list verdicts from the highest min to the lowest, because the first match wins"
                )
                problems.append(((*at, "min"), msg))
            elif (blocker := next((k for k, m in covering if m <= floor + _EPS), None)) is not None:
                msg = f"can never be chosen: verdicts[{blocker}] already matches every score from {_num(floor)}"
                problems.append((at, msg))
            for j, cond in enumerate(band.conditions):
                where, item = (*at, "conditions", j), items.get(cond.item)
                if item is None:
                    msg = f"'{cond.item}' is not an item of this rubric (items: {', '.join(items)})"
                    problems.append(((*where, "item"), msg))
                elif not item.scale.min <= cond.value <= item.scale.max:
                    msg = f"{_num(cond.value)} is outside the scale of '{cond.item}' ({item.scale.min} to {item.scale.max})"
                    problems.append(((*where, "value"), msg))
            last_min = band.min if band.min is not None else last_min
            if not band.conditions:
                covering.append((i, floor))
        return problems

    # --- the API the workbook, widgets and dashboard use -------------------------------------

    @property
    def item_ids(self) -> list[str]:
        return [item.id for item in self.items]

    @property
    def source(self) -> str:
        """Where the rubric came from: 'built-in' or the file name, e.g. 'rubrics/mine.yaml'."""
        return self._source

    @property
    def score_range(self) -> tuple[float, float]:
        """(lowest, highest) possible score of one review, from the scales and weights."""
        if self.scoring.method == "single_item":
            return float(self.items[0].scale.min), float(self.items[0].scale.max)
        lo = sum(item.weight * item.scale.min for item in self.items)
        hi = sum(item.weight * item.scale.max for item in self.items)
        total = sum(item.weight for item in self.items) if self.scoring.method == "mean" else 1.0
        return lo / total, hi / total

    def applies(self, kind: str) -> bool:
        return "all" in self.applies_to or kind in self.applies_to

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise NotFound(
            f"'{item_id}' is not an item of rubric '{self.name}'; its items are: {', '.join(self.item_ids)}"
        )

    def to_percent(self, score: float) -> float:
        """The score as 0-100 over the rubric's range (0 = lowest possible, 100 = highest)."""
        lo, hi = self.score_range
        return (score - lo) / (hi - lo) * 100.0

    def label_for(self, item_id: str, value: int) -> str:
        scale = self.item(item_id).scale
        if isinstance(value, bool) or value not in scale.labels:
            raise ValidationError(
                f"{item_id} must be a whole number from {scale.min} to {scale.max} (got {value!r})"
            )
        return scale.labels[value]

    def validate_scores(self, scores: Mapping[str, object]) -> dict[str, int | None]:
        """Check one reviewer's answers; return every item (None = left unanswered, only allowed
        for allow_na items). Strings are refused: converting CSV text is the CSV layer's job."""
        problems = [
            f"'{key}' is not an item of rubric '{self.name}'; its items are: {', '.join(self.item_ids)}"
            for key in scores
            if key not in self.item_ids
        ]
        clean: dict[str, int | None] = {}
        for item in self.items:
            value, lo, hi = scores.get(item.id), item.scale.min, item.scale.max
            number = _whole(value)
            if value is None and not item.allow_na:
                problems.append(f"Please rate '{item.id}'")
            elif value is not None and (number is None or not lo <= number <= hi):
                problems.append(
                    f"{item.id} must be a whole number from {lo} to {hi} (got {value!r})"
                )
            clean[item.id] = number
        if problems:
            raise ValidationError("; ".join(problems))
        return clean

    def review_score(self, scores: Mapping[str, int | None]) -> float | None:
        """One review's score on the rubric's own scale, or None if nothing was answered.

        When allow_na items are left out, the answered items' position within *their* possible
        range is scaled to the full range (prorating): answering 6/7 on the only two answered
        items of a 5-35 AIR sum counts as 5 + 30 * 10/12 = 30. With every item answered this is
        exactly the plain (weighted) sum or mean."""
        answered = [(i, scores[i.id]) for i in self.items if scores.get(i.id) is not None]
        if not answered:
            return None
        if self.scoring.method == "single_item":
            return float(answered[0][1])  # type: ignore[arg-type]
        got = sum(item.weight * value for item, value in answered)  # type: ignore[misc]
        lo, hi = self.score_range
        if len(answered) == len(self.items):
            return got if self.scoring.method == "sum" else got / sum(i.weight for i in self.items)
        low = sum(item.weight * item.scale.min for item, _ in answered)
        span = sum(item.weight * (item.scale.max - item.scale.min) for item, _ in answered)
        return lo + (hi - lo) * (got - low) / span

    def verdict(
        self, score: float | None, n_reviewers: int, item_means: Mapping[str, float] | None = None
    ) -> tuple[str, str]:
        """(id, label) for a resource's pooled score: 'unrated' without a score, 'provisional'
        with too few reviewers (single raters are unreliable), else the first band that matches;
        conditions use ``item_means`` and fail when an item's mean is missing."""
        if score is None:
            return "unrated", "Not yet reviewed"
        if n_reviewers < self.min_reviewers:
            plural = "s" if self.min_reviewers != 1 else ""
            return "provisional", f"Provisional: needs {self.min_reviewers} review{plural}"
        means = item_means or {}
        for band in self.verdicts:
            if band.min is not None and score < band.min - _EPS:
                continue
            if all(cond.holds(means.get(cond.item)) for cond in band.conditions):
                return band.id, band.label
        return "no_verdict", "No verdict"


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _loc(parts: Loc) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out or "(top level)"


@functools.cache
def _field_names() -> tuple[str, ...]:
    models = (Scale, Item, Provenance, Scoring, Condition, Verdict, Rubric)
    return tuple(sorted({name for model in models for name in model.model_fields}))


def _describe(err: Any) -> str:
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "appraise":
        return str(ctx["msg"])
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
        nested = (err.get("ctx") or {}).get("problems") if err["type"] == "appraise" else None
        if nested:
            lines += [f"{_loc(loc + sub)}: {msg}" for sub, msg in nested]
        else:
            lines.append(f"{_loc(loc)}: {_describe(err)}")
    return list(dict.fromkeys(lines))


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    if isinstance(exc, yaml.constructor.ConstructorError):
        return (
            where
            + "YAML tags such as !!python/... are not allowed; use plain text, numbers, lists and mappings"
        )
    return where + str(getattr(exc, "problem", None) or exc)


def _parse(path: Path, display: str) -> Rubric | list[str]:
    """Load one file; return the rubric or its problems, each line starting with ``display``."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [f"{display}: cannot be read ({exc.strerror or exc})"]
    if len(raw) > _MAX_BYTES:
        return [f"{display}: is too large for a rubric ({len(raw)} bytes)"]
    try:
        data = yaml.safe_load(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return [f"{display}: is not UTF-8 text; save it with UTF-8 encoding"]
    except yaml.YAMLError as exc:
        return [f"{display}: {_yaml_problem(exc)}"]
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


def load_rubric(path: Path) -> Rubric:
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
        if not rubric.provenance.license_note:
            raise RubricError(f"{_display(path)}: provenance.license_note: required for built-ins")
        rubric._source = "built-in"
        found[rubric.id] = rubric
    return found


def builtin_rubrics() -> dict[str, Rubric]:
    """The rubrics shipped with Appraise, by id (a fresh dict; the rubrics are cached)."""
    return dict(_builtins())


_file_cache: dict[Path, tuple[tuple[int, int], Rubric | list[str]]] = {}
_cache_lock = threading.Lock()


def _cached_parse(path: Path) -> Rubric | list[str]:
    """Re-parse a file only when its (mtime_ns, size) changed: the dashboard calls
    load_rubrics on every submission."""
    try:
        stat = path.stat()
    except OSError as exc:
        return [f"{_display(path)}: cannot be read ({exc.strerror or exc})"]
    key = (stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        hit = _file_cache.get(path)
    if hit is not None and hit[0] == key:
        return hit[1]
    result = _parse(path, _display(path))
    with _cache_lock:
        _file_cache[path] = (key, result)
    return result


def load_rubrics(folder: Path | None) -> tuple[dict[str, Rubric], list[str]]:
    """Built-ins plus every *.yaml / *.yml in the workbook's rubrics folder (a file with a
    built-in's id replaces it). A broken file never hides the others: its problems come back
    as one-line messages starting with the file name."""
    rubrics, problems = builtin_rubrics(), []
    if folder is None or not Path(folder).is_dir():
        return rubrics, problems
    paths = sorted(
        p
        for p in Path(folder).resolve().iterdir()
        if p.suffix.lower() in (".yaml", ".yml")
        and not p.name.startswith((".", "~"))
        and p.is_file()
    )
    loaded_from: dict[str, str] = {}
    for path in paths:
        result = _cached_parse(path)
        if isinstance(result, list):
            problems += result
        elif result.id in loaded_from:
            problems.append(
                f"{result.source}: id: '{result.id}' is already used by {loaded_from[result.id]}"
            )
        else:
            loaded_from[result.id] = result.source
            rubrics[result.id] = result
    return rubrics, problems
