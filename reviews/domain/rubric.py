"""Review rubrics: published appraisal instruments and tutors' own, described as YAML data.

Rubrics are data, not code, so that a tutor can add or adapt one with a text editor and a rubric
file can never run anything: files are read with ``yaml.safe_load`` and checked against a strict
schema (``schema_version: 1``, see docs/rubric-authoring.md). Every problem becomes one line
naming the file and the field, because the person fixing it is a tutor, not a developer reading
a traceback. The score range is computed from the scales and weights, never typed in, so verdict
bands cannot silently drift out of reach.

The light web dashboard imports this module on every submission: keep pandas out of it.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

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

from reviews.domain.errors import NotFound, ValidationError
from reviews.domain.urls import KINDS

SCHEMA_VERSION = 1
Kind = Literal[("all", *KINDS)]  # type: ignore[valid-type]  # "all" or a resource kind
RESERVED_VERDICTS = ("provisional", "unrated", "no_verdict")  # produced by Rubric.verdict itself
BUILTIN_DIR = Path(__file__).parent / "rubrics"
_MAX_POINTS = 21  # every point needs a label; a 0-100 "scale" is a typo, not a rubric
_EPS = 1e-9  # a pooled mean of 29.999999999 must still reach a band that starts at 30
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_OPS: dict[str, Callable[[float], bool]] = {  # applied to (mean - value)
    "==": lambda d: abs(d) <= _EPS,
    "!=": lambda d: abs(d) > _EPS,
    "<": lambda d: d < -_EPS,
    "<=": lambda d: d <= _EPS,
    ">": lambda d: d > _EPS,
    ">=": lambda d: d >= -_EPS,
}
Loc = tuple[str | int, ...]
Problems = list[tuple[Loc, str]]


def _fail(msg: str, problems: Problems | None = None) -> PydanticCustomError:
    """A pydantic error whose text is ours. ``problems`` carries several (sub-location, message)
    pairs out of one model validator, so each becomes its own line naming its exact field."""
    return PydanticCustomError("appraise", "{msg}", {"msg": msg, "problems": problems or []})


def _raise_all(problems: Problems) -> None:
    if problems:
        raise _fail("; ".join(f"{_loc(loc)}: {msg}" for loc, msg in problems), problems)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _text(value: object) -> object:
    """Required text. YAML reads a bare ``No`` as false: a classic trap for yes/no labels."""
    if isinstance(value, bool):
        hint = '"Yes"' if value else '"No"'
        raise _fail(f"YAML read this as {str(value).lower()}; put the text in quotes, e.g. {hint}")
    if isinstance(value, int | float):
        return _num(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _fail("must not be empty")
    return value.strip() if isinstance(value, str) else value


def _slug(value: object) -> object:
    if isinstance(value, str) and not _SLUG.fullmatch(value):
        raise _fail(f"'{value}' is not a valid id: use a-z, 0-9, '-' and '_', starting a-z or 0-9")
    return value


Text = Annotated[str, BeforeValidator(_text)]
OptionalText = Annotated[str, BeforeValidator(lambda v: "" if v is None else v)]
Slug = Annotated[str, BeforeValidator(_slug)]


class _Frozen(BaseModel):
    # extra="forbid": a typo'd key is an error, not a setting silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scale(_Frozen):
    """Whole-number points min..max. Anchored scales are more reliable than bare Likert scales,
    so a point without a label is an error, not a default."""

    type: Literal["ordinal", "binary"] = "ordinal"
    min: int
    max: int
    labels: dict[int, Text]

    @model_validator(mode="after")
    def _every_point_labelled(self) -> Scale:
        lo, hi = self.min, self.max
        problems: Problems = []
        if not lo < hi <= lo + _MAX_POINTS - 1:
            problems.append((("max",), f"must be above min ({lo}), at most {_MAX_POINTS} points"))
        elif self.type == "binary" and (lo, hi) != (0, 1):
            problems.append((("type",), "a binary scale runs from 0 (not met) to 1 (met)"))
        else:
            missing = ", ".join(str(p) for p in range(lo, hi + 1) if p not in self.labels)
            outside = ", ".join(str(p) for p in sorted(self.labels) if not lo <= p <= hi)
            if missing:
                msg = f"every point from {lo} to {hi} needs a label (missing {missing})"
                problems.append((("labels",), msg))
            if outside:
                msg = f"labels are only allowed for points {lo} to {hi} (remove {outside})"
                problems.append((("labels",), msg))
        _raise_all(problems)
        return self


class _UnknownScale(str):
    """An item's scale name that matches no named scale; lets the error land on the item."""


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
    """Where a rubric comes from. Students and tutors must see what is a published instrument,
    whether it was modified, and whose words the anchors are (licensing, fidelity)."""

    instrument: Text
    citation: list[Text] = []
    modified: bool = False
    wording: Literal["verbatim", "paraphrased", "original"]
    license_note: OptionalText = ""

    @model_validator(mode="after")
    def _published_needs_citation(self) -> Provenance:
        if not self.citation and self.wording != "original":
            _raise_all(
                [(("citation",), "cite the published instrument (or say wording: original)")]
            )
        return self


class Scoring(_Frozen):
    method: Literal["sum", "mean", "single_item"] = "sum"


class Condition(_Frozen):
    """A gate on the reviewers' mean for one item, e.g. accuracy >= 5 for an honourable mention."""

    item: str
    op: Literal["==", "!=", "<", "<=", ">", ">="]
    value: float

    def holds(self, mean: float | None) -> bool:
        return mean is not None and not math.isnan(mean) and _OPS[self.op](mean - self.value)


class Verdict(_Frozen):
    """A band: chosen when the score is at least ``min`` and every condition holds."""

    id: Slug
    label: Text
    min: float | None = None
    conditions: list[Condition] = []


class Rubric(_Frozen):
    """A validated rubric. Use :func:`load_rubric` / :func:`load_rubrics` rather than building
    one by hand, so the file-name check and the one-line error messages apply."""

    schema_version: Literal[1]  # bumped only for incompatible changes; old files keep loading
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

    @model_validator(mode="before")
    @classmethod
    def _resolve_named_scales(cls, data: Any) -> Any:
        """Replace ``scale: likert7`` by the named scale. A broken named scale gets a stand-in so
        that it is reported once, under ``scales``, not again for every item using it."""
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            return data
        named: dict[Any, Scale] = {}
        raw = data.get("scales")
        for name, spec in (raw if isinstance(raw, dict) else {}).items():
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
        problems: Problems = []
        stem = (info.context or {}).get("stem")
        if stem is not None and self.id != stem:
            problems.append((("id",), f"'{self.id}' must match the file name '{stem}'"))
        for i, item in enumerate(self.items):
            if (first := self.item_ids.index(item.id)) < i:
                problems.append(
                    (("items", i, "id"), f"'{item.id}' is already used by items[{first}]")
                )
        if self.scoring.method == "single_item" and len(self.items) != 1:
            msg = f"single_item needs exactly one item (this rubric has {len(self.items)})"
            problems.append((("scoring", "method"), msg))
        else:
            problems += self._verdict_problems()
        _raise_all(problems)
        return self

    def _verdict_problems(self) -> Problems:
        """First match wins, so bands must run from the highest min down to a catch-all."""
        problems: Problems = []
        lo, hi = self.score_range
        items = {item.id: item for item in self.items}
        previous: float | None = None
        for i, band in enumerate(self.verdicts):
            at: Loc = ("verdicts", i)
            if band.id in RESERVED_VERDICTS or band.id in [v.id for v in self.verdicts[:i]]:
                problems.append(((*at, "id"), f"'{band.id}' is reserved or already used"))
            if band.min is None and i < len(self.verdicts) - 1:
                problems.append((at, "only the last verdict may leave out 'min' (a catch-all)"))
            elif band.min is not None and not lo - _EPS <= band.min <= hi + _EPS:
                msg = f"{_num(band.min)} is outside the score range {_num(lo)} to {_num(hi)}"
                problems.append(((*at, "min"), msg))
            elif band.min is not None and previous is not None and band.min > previous + _EPS:
                msg = f"{_num(band.min)} is above the previous verdict's min ({_num(previous)}); "
                problems.append(((*at, "min"), msg + "order verdicts from highest min to lowest"))
            previous = band.min if band.min is not None else previous
            for j, cond in enumerate(band.conditions):
                where, item = (*at, "conditions", j), items.get(cond.item)
                if item is None:
                    msg = f"'{cond.item}' is not an item of this rubric (items: {', '.join(items)})"
                    problems.append(((*where, "item"), msg))
                elif not item.scale.min <= cond.value <= item.scale.max:
                    rng = f"{item.scale.min} to {item.scale.max}"
                    msg = f"{_num(cond.value)} is outside the scale of '{cond.item}' ({rng})"
                    problems.append(((*where, "value"), msg))
        return problems

    # --- the API used by the workbook, widgets and dashboard -----------------------------------

    @property
    def item_ids(self) -> list[str]:
        return [item.id for item in self.items]

    @property
    def source(self) -> str:
        """Where the rubric came from: 'built-in' or the file, e.g. 'rubrics/mine.yaml'."""
        return self._source

    @property
    def score_range(self) -> tuple[float, float]:
        """(lowest, highest) possible score of one review, computed from scales and weights."""
        if self.scoring.method == "single_item":
            return float(self.items[0].scale.min), float(self.items[0].scale.max)
        lo = sum(item.weight * item.scale.min for item in self.items)
        hi = sum(item.weight * item.scale.max for item in self.items)
        total = sum(item.weight for item in self.items) if self.scoring.method == "mean" else 1.0
        return lo / total, hi / total

    def applies(self, kind: str) -> bool:
        return "all" in self.applies_to or kind in self.applies_to

    def _not_an_item(self, key: object) -> str:
        items = ", ".join(self.item_ids)
        return f"'{key}' is not an item of rubric '{self.name}'; its items are: {items}"

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise NotFound(self._not_an_item(item_id))

    def to_percent(self, score: float) -> float:
        """The score as 0-100 over the rubric's range (0 = lowest possible, 100 = highest)."""
        lo, hi = self.score_range
        return (score - lo) / (hi - lo) * 100.0

    def label_for(self, item_id: str, value: int) -> str:
        scale = self.item(item_id).scale
        if _whole(value) not in scale.labels:
            raise ValidationError(_out_of_scale(item_id, scale, value))
        return scale.labels[int(value)]

    def validate_scores(self, scores: Mapping[str, object]) -> dict[str, int | None]:
        """Check one reviewer's answers and return every item (None = unanswered, allowed only
        for allow_na items). Strings are refused: turning CSV text into numbers is the CSV
        layer's job, and guessing here would hide its bugs."""
        problems = [self._not_an_item(key) for key in scores if key not in self.item_ids]
        clean: dict[str, int | None] = {}
        for item in self.items:
            value, number, scale = scores.get(item.id), _whole(scores.get(item.id)), item.scale
            if value is None and not item.allow_na:
                problems.append(f"Please rate '{item.id}'")
            elif value is not None and (number is None or not scale.min <= number <= scale.max):
                problems.append(_out_of_scale(item.id, scale, value))
            clean[item.id] = number
        if problems:
            raise ValidationError("; ".join(problems))
        return clean

    def review_score(self, scores: Mapping[str, int | None]) -> float | None:
        """One review's score on the rubric's own scale; None if nothing was answered.

        Prorating: when allow_na items are left out, the answered items' position within *their*
        possible range is stretched to the full range. E.g. with only accuracy=6 and
        referenced=6 answered on the 5-35 AIR sum: 5 + 30 * (12-2)/(14-2) = 30. With every item
        answered this is exactly the plain (weighted) sum or mean."""
        answered = [(i, v) for i in self.items if (v := scores.get(i.id)) is not None]
        if not answered:
            return None
        if self.scoring.method == "single_item":
            return float(answered[0][1])
        got = sum(item.weight * value for item, value in answered)
        lo, hi = self.score_range
        if len(answered) == len(self.items):
            return got if self.scoring.method == "sum" else got / sum(i.weight for i in self.items)
        low = sum(item.weight * item.scale.min for item, _ in answered)
        span = sum(item.weight * (item.scale.max - item.scale.min) for item, _ in answered)
        return lo + (hi - lo) * (got - low) / span

    def verdict(
        self, score: float | None, n_reviewers: int, item_means: Mapping[str, float] | None = None
    ) -> tuple[str, str]:
        """(id, label) for a resource's pooled score. 'unrated' without a score; 'provisional'
        with fewer than min_reviewers (single raters are unreliable); else the first band that
        matches, where a condition whose item has no mean fails; else 'no_verdict'."""
        if score is None:
            return "unrated", "Not yet reviewed"
        if n_reviewers < self.min_reviewers:
            plural = "s" if self.min_reviewers != 1 else ""
            return "provisional", f"Provisional: needs {self.min_reviewers} review{plural}"
        means = item_means or {}
        for band in self.verdicts:
            if (band.min is None or score >= band.min - _EPS) and all(
                cond.holds(means.get(cond.item)) for cond in band.conditions
            ):
                return band.id, band.label
        return "no_verdict", "No verdict"


def _whole(value: object) -> int | None:
    """int for an int or a whole float; None for anything else (bools and strings included)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    return int(value) if isinstance(value, float) and value.is_integer() else None


def _out_of_scale(item_id: str, scale: Scale, value: object) -> str:
    return f"{item_id} must be a whole number from {scale.min} to {scale.max} (got {value!r})"


def _loc(parts: Loc) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out or "(top level)"
