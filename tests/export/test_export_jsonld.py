"""W3C Web Annotation export: every annotation passes the 14 MUST assertions of the W3C
annotation-model test suite (schemas in tests/fixtures/w3c-annotation-model/) and carries the
selector its locator describes."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from rfc3986_validator import validate_rfc3986

from reviews import PermissionDenied, ValidationError, Workbook
from reviews.export import export
from reviews.export.to_jsonld import MEDIA_FRAGMENTS, as_uri, media_fragment, quoted_passage
from tests.conftest import FIXTURES

SUITE = FIXTURES / "w3c-annotation-model"
VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
ARTICLE = "https://en.wikipedia.org/wiki/Heart_failure"
UNICODE = "https://de.wikipedia.org/wiki/Herzinsuffizienz_Übersicht"


@cache
def must_validators() -> list[tuple[str, Draft4Validator]]:
    """One draft-04 validator per MUST assertion, with every definitions file registered
    under its bare name (as the suite's harness did) and format checking on."""
    definitions = [
        (path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT4))
        for path in sorted((SUITE / "definitions").glob("*.json"))
    ]
    registry: Registry = Registry().with_resources(definitions)
    listed = json.loads((SUITE / "annotations" / "annotationMusts.test").read_text())
    out = []
    for name in listed["assertions"]:
        schema = json.loads((SUITE / name).read_text())
        assert schema["assertionType"] == "must"
        checker = Draft4Validator.FORMAT_CHECKER
        out.append((name, Draft4Validator(schema, registry=registry, format_checker=checker)))
    return out


def must_failures(annotation: dict[str, Any]) -> list[str]:
    return [name for name, v in must_validators() if not v.is_valid(annotation)]


@pytest.fixture
def annotated(wb: Workbook) -> Workbook:
    video = wb.add_resource(url=VIDEO, title="ECG basics", added_by="learner-1")
    article = wb.add_resource(url=ARTICLE, title="Heart failure", added_by="learner-1")
    german = wb.add_resource(url=UNICODE, title="Herzinsuffizienz", added_by="learner-2")
    doi = "doi:10.1161/CIR.0000000000001193"
    wb.add_correction(video.id, "learner-1", "AF is regular", "AF is irregularly irregular",
                      doi, locator="03:15", severity="major")  # fmt: skip
    wb.add_correction(video.id, "learner-2", "Give digoxin first", "Rate control first",
                      "PMID 31504439", locator="at 1:02:03")  # fmt: skip
    quoted = wb.add_correction(article.id, "learner-2", "ACE inhibitors are contraindicated",
                               "They are first line", "https://www.escardio.org/Guidelines",
                               locator='Treatment: "ACE inhibitors should be avoided"',
                               severity="patient-safety")  # fmt: skip
    wb.add_correction(german.id, "learner-3", "Alt", "Neu", "Leitlinie", locator="Abschnitt 2")
    wb.verify_correction(quoted.id, actor="tutor-1", note="right")
    wb.submit_review(video.id, "learner-1", {"overall": 4}, comment="Clear <b>visuals</b>",
                     flags=["outdated"])  # fmt: skip
    wb.submit_review(article.id, "learner-3", {"overall": 2})
    wb.submit_review(german.id, "learner-3", {"overall": 3})
    return wb


def items(wb: Workbook) -> list[dict[str, Any]]:
    collection = json.loads(export(wb, "jsonld"))
    assert collection["type"] == "AnnotationCollection"
    assert collection["total"] == len(collection["first"]["items"])
    return collection["first"]["items"]


def test_every_annotation_passes_the_14_musts(annotated: Workbook) -> None:
    assert len(must_validators()) == 14
    exported = items(annotated)
    assert len(exported) == 7
    for annotation in exported:
        assert must_failures(annotation) == [], annotation


def test_the_assertions_catch_broken_annotations(annotated: Workbook) -> None:
    """The validation is not vacuous: format checking and $ref resolution are on."""
    good = items(annotated)[0]
    assert must_failures({**good, "id": "not a uri"}) == [
        "annotations/3.1-annotationIdValidated.json"
    ]
    assert must_failures({**good, "created": "yesterday"}) == [
        "annotations/3.3.1-annotationCreatedValidated.json"
    ]
    assert "annotations/3.1-annotationContextValidated.json" in must_failures(
        {k: v for k, v in good.items() if k != "@context"}
    )
    assert must_failures({**good, "target": "not a uri"}) == [
        "annotations/3.2-targetObjectsRecognized.json"
    ]
    assert must_failures({**good, "bodyValue": "x"}) == ["annotations/3.2.5-notBodyBodyValue.json"]


def by_motivation(wb: Workbook, motivation: str) -> list[dict[str, Any]]:
    return [a for a in items(wb) if a["motivation"] == motivation]


def test_corrections_are_editing_annotations_with_their_selectors(annotated: Workbook) -> None:
    corrections = by_motivation(annotated, "editing")
    assert len(corrections) == 4
    targets = {a["body"][0]["value"]: a["target"] for a in corrections}
    first = targets["AF is irregularly irregular"]
    assert first["source"] == "https://youtube.com/watch?v=dQw4w9WgXcQ"
    assert first["selector"] == {
        "type": "FragmentSelector",
        "conformsTo": MEDIA_FRAGMENTS,
        "value": "t=195",
    }
    assert targets["Rate control first"]["selector"]["value"] == "t=3723"
    assert targets["They are first line"]["selector"] == {
        "type": "TextQuoteSelector",
        "exact": "ACE inhibitors should be avoided",
    }
    plain = targets["Neu"]  # a section name: the whole resource, no selector
    assert "selector" not in plain and plain["id"].startswith("https://de.wikipedia.org/wiki/")
    assert plain["id"].endswith("Herzinsuffizienz_%C3%9Cbersicht")


def test_a_correction_body_holds_the_text_evidence_and_status(annotated: Workbook) -> None:
    (safety,) = [a for a in by_motivation(annotated, "editing")
                 if a["body"][0]["value"] == "They are first line"]  # fmt: skip
    values = {(b.get("purpose"), b.get("value") or b.get("source")) for b in safety["body"]}
    assert ("describing", 'The resource says (at Treatment: "ACE inhibitors should be avoided"): '
            "ACE inhibitors are contraindicated") in values  # fmt: skip
    assert ("commenting", "Evidence: https://www.escardio.org/Guidelines") in values
    assert ("tagging", "severity: patient-safety") in values
    assert ("tagging", "tutor: verified") in values
    assert ("linking", "https://www.escardio.org/Guidelines") in values
    (doi,) = [a for a in by_motivation(annotated, "editing") if a["target"].get("selector", {})
              .get("value") == "t=195"]  # fmt: skip
    assert {"type": "SpecificResource", "purpose": "linking",
            "source": "https://doi.org/10.1161/CIR.0000000000001193"} in doi["body"]  # fmt: skip


def test_reviews_are_assessing_annotations_of_the_whole_resource(annotated: Workbook) -> None:
    reviews = by_motivation(annotated, "assessing")
    assert len(reviews) == 3
    (video,) = [a for a in reviews if a["target"]["id"].startswith("https://youtube.com")]
    assert video["target"]["type"] == "Video"
    bodies = {b["purpose"]: b["value"] for b in video["body"]}
    assert bodies["assessing"].startswith("Star rating: 4")
    assert bodies["commenting"] == "Clear <b>visuals</b>"  # data, not markup: kept as typed
    assert bodies["tagging"] == "flag: outdated"


def test_creators_are_pseudonymous_and_ids_stable(annotated: Workbook) -> None:
    first, second = export(annotated, "jsonld"), export(annotated, "jsonld")
    assert b"learner-" not in first
    exported = items(annotated)
    assert {a["creator"]["name"] for a in exported} == {
        annotated.pseudonym(f"learner-{i}") for i in (1, 2, 3)
    }
    assert all(a["creator"]["type"] == "Person" for a in exported)
    ids = [a["id"] for a in exported]
    assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
    assert [a["id"] for a in json.loads(first)["first"]["items"]] == [
        a["id"] for a in json.loads(second)["first"]["items"]
    ]


def test_hidden_corrections_are_not_exported(annotated: Workbook) -> None:
    (one,) = [c for c in annotated.corrections() if c.correction == "Neu"]
    annotated.hide(one.id, actor="tutor-1", reason="duplicate")
    assert "Neu" not in {a["body"][0]["value"] for a in by_motivation(annotated, "editing")}


def test_real_names_are_refused_for_annotations(annotated: Workbook) -> None:
    with pytest.raises(ValidationError, match="pseudonyms"):
        export(annotated, "jsonld", include_identities=True, actor="tutor-1")


def test_an_empty_workbook_gives_an_empty_collection(wb: Workbook) -> None:
    assert items(wb) == []


@pytest.mark.parametrize(
    ("locator", "fragment"),
    [
        ("03:15", "t=195"),
        ("3:15", "t=195"),
        ("1:02:03", "t=3723"),
        ("at 12:00 in the video", "t=720"),
        ("3:15-3:40", "t=195,220"),
        ("03:15 – 1:00:00", "t=195,3600"),
        ("3:40-3:15", "t=220"),  # a backwards range keeps its start
        ("Section 2: treatment", None),
        ("3:75", None),
        ("ratio 1:2", None),
        ("", None),
    ],
)
def test_timestamps_become_media_fragments(locator: str, fragment: str | None) -> None:
    assert media_fragment(locator) == fragment


@pytest.mark.parametrize(
    ("locator", "quote"),
    [
        ('"beta blockers are first line"', "beta blockers are first line"),
        ("Intro: “aspirin for everyone”", "aspirin for everyone"),
        ("«la digoxine»", "la digoxine"),
        ("'short' and 'the longer passage'", "the longer passage"),
        ("the presenter's slide", None),
        ("Section 3", None),
    ],
)
def test_quoted_passages_become_text_quotes(locator: str, quote: str | None) -> None:
    assert quoted_passage(locator) == quote


@given(st.text(max_size=30), st.text(max_size=20), st.text(max_size=20))
def test_any_url_becomes_a_valid_uri(path: str, query: str, fragment: str) -> None:
    url = f"https://bücher.example/{path}?{query}#{fragment}"
    assert validate_rfc3986(as_uri(url), rule="URI")


def test_identities_are_checked_before_anything_is_built(annotated: Workbook) -> None:
    with pytest.raises(PermissionDenied):
        export(annotated, "json", include_identities=True, actor="learner-1")
