"""Rubrics: built-ins, learner-facing score checks, scoring, verdicts and tutor YAML files."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from reviews.domain.errors import AppraiseError, NotFound, RubricError, ValidationError
from reviews.domain.rubric import Rubric, Scale
from reviews.domain.rubric_files import builtin_rubrics, load_rubric, load_rubrics

AIR_ALL_SIX = {"recency": 6, "accuracy": 6, "utility": 6, "ebm": 6, "referenced": 6}

GOOD_CUSTOM = """\
schema_version: 1
id: {id}
name: "Ward teaching rubric"
version: "0.1"
provenance:
  instrument: "Own rubric"
  citation: []
  wording: original
applies_to: [video, podcast]
min_reviewers: 2
scales:
  three:
    type: ordinal
    min: 1
    max: 3
    labels: {{1: "Poor", 2: "Fair", 3: "Good"}}
items:
  - id: clarity
    prompt: "Is it clear?"
    help: "Could a third-year student follow it without help?"
    scale: three
  - id: relevance
    prompt: "Is it relevant to the wards?"
    help: "Would you use it on placement?"
    scale: three
    weight: 2
    allow_na: true
scoring:
  method: sum
verdicts:
  - {{id: good, label: "Good", min: 7}}
  - {{id: weak, label: "Weak"}}
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def good(rubric_id: str, **replace: str) -> str:
    text = GOOD_CUSTOM.format(id=rubric_id)
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


@pytest.fixture
def air() -> Rubric:
    return builtin_rubrics()["air"]


# --- built-ins --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rubric_id", "low", "high"),
    [("stars", 1, 5), ("air", 5, 35), ("jama", 0, 4), ("gqs", 1, 5)],
)
def test_builtin_rubric_loads_with_its_computed_score_range(rubric_id, low, high):
    rubric = builtin_rubrics()[rubric_id]
    assert rubric.score_range == (low, high)
    assert rubric.source == "built-in"


def test_every_builtin_item_has_help_and_a_label_for_every_point():
    for rubric in builtin_rubrics().values():
        for item in rubric.items:
            assert item.help and item.prompt
            points = range(item.scale.min, item.scale.max + 1)
            assert sorted(item.scale.labels) == list(points)
            assert all(label.strip() for label in item.scale.labels.values())


def test_builtins_state_provenance_and_licensing():
    rubrics = builtin_rubrics()
    for rubric in rubrics.values():
        assert rubric.provenance.license_note
        assert rubric.provenance.citation or rubric.provenance.wording == "original"
    assert len(rubrics["air"].provenance.citation) == 2
    assert rubrics["air"].provenance.modified is True
    assert "Silberg" in rubrics["jama"].provenance.citation[0]
    assert rubrics["gqs"].applies("video") and not rubrics["gqs"].applies("blog")
    assert rubrics["air"].item_ids == ["recency", "accuracy", "utility", "ebm", "referenced"]


def test_builtin_rubrics_returns_a_fresh_dict_each_time():
    first = builtin_rubrics()
    first.pop("air")
    assert "air" in builtin_rubrics()


def test_to_percent_spans_the_score_range(air):
    assert air.to_percent(5) == 0
    assert air.to_percent(35) == 100
    assert air.to_percent(20) == 50


def test_label_for_returns_the_anchor_text_and_rejects_unknowns(air):
    assert air.label_for("referenced", 1) == "No references at all"
    assert builtin_rubrics()["jama"].label_for("currency", 0).startswith("No")
    with pytest.raises(ValidationError, match="from 1 to 7"):
        air.label_for("referenced", 8)
    with pytest.raises(NotFound, match="'clarity' is not an item"):
        air.label_for("clarity", 3)


# --- validate_scores --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"clarity": 4}, "'clarity' is not an item of rubric 'AIR-style score"),
        ({"clarity": 4}, "its items are: recency, accuracy, utility, ebm, referenced"),
        ({"accuracy": 9}, r"accuracy must be a whole number from 1 to 7 \(got 9\)"),
        ({"accuracy": 0}, r"from 1 to 7 \(got 0\)"),
        ({"accuracy": 4.5}, r"\(got 4.5\)"),
        ({"accuracy": True}, r"\(got True\)"),
        ({"accuracy": "4"}, r"\(got '4'\)"),
        ({"referenced": None}, "Please rate 'referenced'"),
    ],
)
def test_validate_scores_rejects_bad_input_with_a_readable_message(air, change, message):
    with pytest.raises(ValidationError, match=message):
        air.validate_scores({**AIR_ALL_SIX, **change})


def test_validate_scores_reports_a_missing_item(air):
    scores = dict(AIR_ALL_SIX)
    del scores["ebm"]
    with pytest.raises(ValidationError, match="Please rate 'ebm'"):
        air.validate_scores(scores)


def test_validation_errors_are_value_errors(air):
    with pytest.raises(ValueError):
        air.validate_scores({})
    assert issubclass(ValidationError, AppraiseError)


def test_validate_scores_accepts_whole_floats_and_returns_every_item_in_order(air):
    clean = air.validate_scores({**AIR_ALL_SIX, "accuracy": 7.0})
    assert clean == {**AIR_ALL_SIX, "accuracy": 7}
    assert list(clean) == air.item_ids
    assert isinstance(clean["accuracy"], int)


def test_validate_scores_allows_none_only_for_allow_na_items(tmp_path):
    rubric = load_rubric(write(tmp_path / "rubrics", "ward.yaml", good("ward")))
    assert rubric.validate_scores({"clarity": 2}) == {"clarity": 2, "relevance": None}
    with pytest.raises(ValidationError, match="Please rate 'clarity'"):
        rubric.validate_scores({"clarity": None, "relevance": 3})


# --- review_score -----------------------------------------------------------------------------


def test_review_score_sums_air_items(air):
    assert air.review_score(AIR_ALL_SIX) == 30
    assert air.review_score({**AIR_ALL_SIX, "ebm": 1}) == 25


def test_review_score_for_single_item_and_nothing_answered():
    stars = builtin_rubrics()["stars"]
    assert stars.review_score({"overall": 4}) == 4
    assert stars.review_score({"overall": None}) is None


def test_review_score_weights_and_prorates_unanswered_items(tmp_path):
    rubric = load_rubric(write(tmp_path / "rubrics", "ward.yaml", good("ward")))
    assert rubric.score_range == (3, 9)  # clarity 1-3, relevance 1-3 weighted 2
    assert rubric.review_score({"clarity": 3, "relevance": 2}) == 7
    # Only clarity answered: top of its range -> top of the whole range; middle -> middle.
    assert rubric.review_score({"clarity": 3, "relevance": None}) == 9
    assert rubric.review_score({"clarity": 2, "relevance": None}) == 6


def test_review_score_mean_method_stays_on_the_item_scale(tmp_path):
    text = good("meanie", **{"method: sum": "method: mean", "min: 7": "min: 2.5"})
    rubric = load_rubric(write(tmp_path / "rubrics", "meanie.yaml", text))
    assert rubric.score_range == (1, 3)
    assert rubric.review_score({"clarity": 3, "relevance": 2}) == pytest.approx(7 / 3)


# --- verdicts ---------------------------------------------------------------------------------


def test_air_is_approved_at_30_but_not_at_29(air):
    assert air.verdict(30, n_reviewers=3) == ("approved", "Approved")
    assert air.verdict(29.999999999999996, n_reviewers=3)[0] == "approved"
    assert air.verdict(29, n_reviewers=3)[0] != "approved"


@pytest.mark.parametrize(
    ("means", "expected"),
    [
        ({"accuracy": 5, "referenced": 5}, "honourable"),
        ({"accuracy": 6.5, "referenced": 5.2}, "honourable"),
        ({"accuracy": 4.9, "referenced": 6}, "not_approved"),
        ({"accuracy": 6, "referenced": 4}, "not_approved"),
        ({"accuracy": 6}, "not_approved"),  # a condition on a missing mean fails
        (None, "not_approved"),
    ],
)
def test_air_honourable_mention_needs_accuracy_and_referencing(air, means, expected):
    assert air.verdict(28, n_reviewers=4, item_means=means)[0] == expected


def test_air_below_honourable_range_is_not_approved(air):
    assert air.verdict(26.9, 3, {"accuracy": 7, "referenced": 7}) == (
        "not_approved",
        "Not approved",
    )


def test_verdict_is_provisional_with_too_few_reviewers_and_unrated_without_a_score(air):
    assert air.verdict(33, n_reviewers=2) == ("provisional", "Provisional: needs 3 reviews")
    assert air.verdict(None, n_reviewers=0) == ("unrated", "Not yet reviewed")
    assert air.verdict(None, n_reviewers=5) == ("unrated", "Not yet reviewed")


@pytest.mark.parametrize(
    ("rubric_id", "score", "expected"),
    [
        ("stars", 4.2, "recommended"),
        ("stars", 3.9, "acceptable"),
        ("stars", 2.5, "not_recommended"),
        ("jama", 4, "meets_all"),
        ("jama", 3.5, "mostly_meets"),
        ("jama", 2, "partly_meets"),
        ("jama", 1, "insufficient"),
        ("gqs", 4, "high"),
        ("gqs", 3, "moderate"),
        ("gqs", 2.9, "low"),
    ],
)
def test_builtin_verdict_bands(rubric_id, score, expected):
    assert builtin_rubrics()[rubric_id].verdict(score, n_reviewers=10)[0] == expected


# --- tutor rubric files -----------------------------------------------------------------------

BROKEN = {
    "syntax.yaml": ("name: [unclosed\n", "syntax.yaml: line"),
    "labels.yaml": (
        good("labels", **{'2: "Fair", ': ""}),
        "labels.yaml: scales.three.labels: every point from 1 to 3 needs a label (missing 2)",
    ),
    "cond.yaml": (
        good("cond", **{"{id: good, label": "{id: good, conditions: [TYPO], label"}).replace(
            "TYPO", "{item: clarty, op: '>=', value: 2}"
        ),
        "cond.yaml: verdicts[0].conditions[0].item: 'clarty' is not an item of this rubric",
    ),
    "typo.yaml": (
        good("typo", **{"min_reviewers:": "min_reviewer:"}),
        "typo.yaml: min_reviewer: unknown field; did you mean 'min_reviewers'?",
    ),
    "stem.yaml": (good("not-stem"), "stem.yaml: id: 'not-stem' must match the file name 'stem'"),
    "help.yaml": (
        good("help", **{'    help: "Would you use it on placement?"\n': ""}),
        "help.yaml: items[1].help: this field is required",
    ),
}


def test_broken_files_are_reported_by_file_and_field_while_good_ones_load(tmp_path):
    folder = tmp_path / "rubrics"
    for name, (text, _) in BROKEN.items():
        write(folder, name, text)
    write(folder, "ward.yaml", good("ward"))
    rubrics, problems = load_rubrics(folder)
    assert {"stars", "air", "jama", "gqs", "ward"} <= set(rubrics)
    assert not set(rubrics) & {"syntax", "labels", "cond", "typo", "not-stem", "stem", "help"}
    assert rubrics["ward"].source == "rubrics/ward.yaml"
    for name, (_, expected) in BROKEN.items():
        mine = [p for p in problems if p.startswith(f"rubrics/{name}: ")]
        assert mine, f"no problem reported for {name}: {problems}"
        assert any(p.startswith(f"rubrics/{expected}") for p in mine), mine
    assert all("\n" not in p for p in problems)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("min: 7}", "min: 12}", "verdicts[0].min: 12 is outside the score range 3 to 9"),
        (
            '{id: weak, label: "Weak"}',
            '{id: weak, label: "Weak", min: 8}',
            "verdicts[1].min: 8 is above the previous verdict's min (7)",
        ),
        (
            '{id: good, label: "Good", min: 7}',
            '{id: good, label: "Good"}',
            "verdicts[0]: only the last verdict may leave out 'min'",
        ),
        ("id: relevance", "id: clarity", "items[1].id: 'clarity' is already used by items[0]"),
        (
            "scale: three\n    weight",
            "scale: four\n    weight",
            "items[1].scale: unknown scale 'four' (scales defined in this file: three)",
        ),
        ("max: 3", "max: 2", "scales.three.labels: labels are only allowed for points 1 to 2"),
        ("min: 1\n", "min: 3\n", "scales.three.max: must be above min (3)"),
        ("method: sum", "method: single_item", "scoring.method: single_item needs exactly one"),
        ("method: sum", "method: median", "scoring.method: should be 'sum', 'mean' or"),
        (
            "citation: []\n  wording: original",
            "citation: []\n  wording: paraphrased",
            "provenance.citation: cite the published instrument",
        ),
        (
            'help: "Could a third-year student follow it without help?"',
            'help: "  "',
            "items[0].help: must not be empty",
        ),
        ('3: "Good"', "3: Yes", "scales.three.labels[3]: YAML read this as true"),
        ("schema_version: 1", "schema_version: 2", "schema_version: should be 1 (got 2)"),
        ("id: weak", "id: unrated", "verdicts[1].id: 'unrated' is reserved"),
        (
            "min_reviewers: 2",
            "min_reviewers: 0",
            "min_reviewers: should be greater than or equal to 1",
        ),
        ("id: clarity", "id: Clarity", "items[0].id: 'Clarity' is not a valid id"),
    ],
)
def test_invalid_rubric_gives_a_one_line_message_naming_the_field(tmp_path, old, new, message):
    text = good("bad")
    assert old in text
    path = write(tmp_path / "rubrics", "bad.yaml", text.replace(old, new, 1))
    with pytest.raises(RubricError) as caught:
        load_rubric(path)
    lines = str(caught.value).splitlines()
    assert any(line.startswith(f"rubrics/bad.yaml: {message}") for line in lines), lines


def test_condition_values_must_lie_on_the_item_scale(tmp_path):
    text = good("bad").replace(
        "{id: good, label", "{id: good, conditions: [{item: clarity, op: '>=', value: 5}], label"
    )
    with pytest.raises(RubricError, match=r"conditions\[0\]\.value: 5 is outside the scale"):
        load_rubric(write(tmp_path / "rubrics", "bad.yaml", text))


def test_a_broken_named_scale_is_reported_once_not_per_item(tmp_path):
    text = good("bad").replace('2: "Fair", ', "")
    with pytest.raises(RubricError) as caught:
        load_rubric(write(tmp_path / "rubrics", "bad.yaml", text))
    assert str(caught.value).count("\n") == 0


def test_custom_file_overrides_builtin_with_the_same_id(tmp_path):
    folder = tmp_path / "rubrics"
    write(folder, "stars.yaml", good("stars"))
    rubrics, problems = load_rubrics(folder)
    assert problems == []
    assert rubrics["stars"].name == "Ward teaching rubric"
    assert rubrics["stars"].source == "rubrics/stars.yaml"
    assert builtin_rubrics()["stars"].name == "Star rating"


def test_yml_extension_loads_and_a_clashing_id_is_reported(tmp_path):
    folder = tmp_path / "rubrics"
    write(folder, "ward.yml", good("ward"))
    write(folder, "ward.yaml", good("ward"))
    write(folder, "notes.txt", "not a rubric")
    rubrics, problems = load_rubrics(folder)
    assert rubrics["ward"].source == "rubrics/ward.yaml"
    assert problems == ["rubrics/ward.yml: id: 'ward' is already used by rubrics/ward.yaml"]


@pytest.mark.parametrize(
    "payload",
    [
        "!!python/object/apply:os.system ['echo pwned']\n",
        "schema_version: 1\nid: !!python/object:pathlib.Path {}\n",
        "schema_version: !!python/name:os.system\n",
    ],
)
def test_unsafe_yaml_tags_are_refused(tmp_path, payload):
    folder = tmp_path / "rubrics"
    write(folder, "evil.yaml", payload)
    rubrics, problems = load_rubrics(folder)
    assert "evil" not in rubrics
    assert len(problems) == 1
    assert problems[0].startswith("rubrics/evil.yaml: line ")
    assert "tags like !!python/... are not allowed" in problems[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "must be a YAML mapping"), ("- a\n- b\n", "must be a YAML mapping")],
)
def test_empty_or_non_mapping_file_is_reported(tmp_path, text, message):
    with pytest.raises(RubricError, match=f"rubrics/odd.yaml: {message}"):
        load_rubric(write(tmp_path / "rubrics", "odd.yaml", text))


def test_missing_or_absent_folder_gives_just_the_builtins(tmp_path):
    for folder in (None, tmp_path / "nowhere"):
        rubrics, problems = load_rubrics(folder)
        assert set(rubrics) == {"stars", "air", "jama", "gqs"}
        assert problems == []


def test_cache_picks_up_an_edited_file(tmp_path):
    folder = tmp_path / "rubrics"
    path = write(folder, "ward.yaml", good("ward"))
    first, _ = load_rubrics(folder)
    again, _ = load_rubrics(folder)
    assert again["ward"] is first["ward"]  # unchanged file: served from the cache

    stat = path.stat()
    path.write_text(good("ward").replace("Ward teaching rubric", "Edited"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    edited, problems = load_rubrics(folder)
    assert problems == []
    assert edited["ward"].name == "Edited"

    stat = path.stat()
    path.write_text("id: [broken\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    broken, problems = load_rubrics(folder)
    assert "ward" not in broken
    assert problems and problems[0].startswith("rubrics/ward.yaml: line")


def test_items_always_hold_resolved_scale_objects(tmp_path):
    rubric = load_rubric(write(tmp_path / "rubrics", "ward.yaml", good("ward")))
    assert all(isinstance(item.scale, Scale) for item in rubric.items)
    assert rubric.items[0].scale == rubric.scales["three"]
    assert rubric.applies("video") and not rubric.applies("wiki")
