"""W3C Web Annotations (JSON-LD): corrections as ``editing`` annotations, reviews as
``assessing`` annotations, gathered in one AnnotationCollection.

Meant to be shared beyond the class (Hypothesis and other annotation tools read the model), so
creators are always pseudonymous (``{"type": "Person", "name": "Reviewer 7"}``) and real names
are refused. Every annotation carries its own ``@context`` so it stands alone when taken out of
the collection, and passes the 14 MUST assertions of the W3C annotation-model test suite
(tests/test_export_jsonld.py checks each one against the suite's schemas).

Mapping:

- ``id``: ``urn:uuid:`` + the record's uuid (stable across exports of the same workbook);
- ``target``: the resource URL (as a URI: non-ASCII characters percent-encoded). A correction
  whose locator holds a timestamp (``03:15``, ``1:02:03``, ``3:15-3:40``) targets a media
  fragment (FragmentSelector conforming to http://www.w3.org/TR/media-frags/, ``t=195``); one
  whose locator quotes a passage (``"…"``, ``“…”``, ``«…»``) targets the quote
  (TextQuoteSelector); otherwise the whole resource. The locator text is kept in a body;
- ``body``: TextualBody items with a ``purpose`` (editing: what is correct; describing: what
  the resource says and where; commenting: the evidence and review comments; assessing: the
  item scores; tagging: severity, tutor status, flags) and a ``linking`` SpecificResource for
  each link, DOI or PMID found in the evidence;
- ``created`` / ``modified``: ISO 8601 in UTC.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit, urlunsplit

from reviews.export.base import ExportRequest, Format

if TYPE_CHECKING:
    from reviews.domain.model import Correction, Resource, Review
    from reviews.domain.rubric import Rubric

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
MEDIA_FRAGMENTS = "http://www.w3.org/TR/media-frags/"
TEXT_TYPES = {"video": "Video", "podcast": "Sound", "infographic": "Image"}

_TIME = r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?!\d)"
_TIMESTAMP = re.compile(rf"(?<![\d:]){_TIME}(?:\s*(?:-|–|—|to)\s*{_TIME})?")
_QUOTES = re.compile(r"\"([^\"]+)\"|“([^”]+)”|«([^»]+)»|„([^“”]+)[“”]|(?<!\w)'([^']+)'(?!\w)")
_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:)\]]")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;:)\]])")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")  # a % that starts no escape
_PMID = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.IGNORECASE)


def _seconds(hours: str | None, minutes: str, seconds: str) -> int | None:
    h, m, s = int(hours or 0), int(minutes), int(seconds)
    if s >= 60 or (hours is not None and m >= 60):
        return None
    return h * 3600 + m * 60 + s


def media_fragment(locator: str) -> str | None:
    """``t=195`` for ``03:15``, ``t=3723`` for ``1:02:03``, ``t=195,220`` for a range."""
    found = _TIMESTAMP.search(locator)
    if not found:
        return None
    start = _seconds(*found.groups()[:3])
    if start is None:
        return None
    if found.group(5) is not None:
        end = _seconds(*found.groups()[3:])
        if end is not None and end > start:
            return f"t={start},{end}"
    return f"t={start}"


def quoted_passage(locator: str) -> str | None:
    """The longest passage in quotation marks, if any."""
    passages = [next(g for g in m.groups() if g) for m in _QUOTES.finditer(locator)]
    passages = [p.strip() for p in passages if p.strip()]
    return max(passages, key=len) if passages else None


def selector(locator: str) -> dict[str, str] | None:
    """The W3C selector a correction's locator describes (timestamps first), or None."""
    fragment = media_fragment(locator)
    if fragment:
        return {"type": "FragmentSelector", "conformsTo": MEDIA_FRAGMENTS, "value": fragment}
    passage = quoted_passage(locator)
    if passage:
        return {"type": "TextQuoteSelector", "exact": passage}
    return None


def as_uri(iri: str) -> str:
    """An IRI as a URI (RFC 3987 section 3.1): IDN host in punycode, other non-ASCII
    characters percent-encoded as UTF-8; existing escapes are kept."""
    parts = urlsplit(iri)
    host = parts.hostname or ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        host = quote(host, safe="")
    netloc = host + (f":{parts.port}" if parts.port else "")

    def encode(part: str, safe: str) -> str:
        return quote(_STRAY_PERCENT.sub("%25", part), safe=safe)

    safe = "/:@!$&'()*+,;=%~-._"
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            encode(parts.path, safe),
            encode(parts.query, safe + "?"),
            encode(parts.fragment, safe + "?"),
        )
    )


def urn(record_id: str, namespace: str) -> str:
    """``urn:uuid:…`` from a record id such as ``cor_<uuid4 hex>``; ids written by hand get a
    name-based uuid in the workbook's namespace, so exports stay stable."""
    try:
        return uuid.UUID(record_id.split("_", 1)[-1]).urn
    except ValueError:
        return named_urn(record_id, namespace)


def named_urn(name: str, namespace: str) -> str:
    """A stable ``urn:uuid:`` for something that is not a record (the collection, its page)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"appraise:{namespace}:{name}").urn


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def text(value: str, purpose: str) -> dict[str, str]:
    return {"type": "TextualBody", "purpose": purpose, "value": value, "format": "text/plain"}


def evidence_links(evidence: str) -> list[str]:
    """Links, DOIs (as https://doi.org/…) and PMIDs (as PubMed URLs) found in the evidence."""
    links = [m.group(0) for m in _URL.finditer(evidence)]
    links += [f"https://doi.org/{m.group(1)}" for m in _DOI.finditer(evidence)]
    links += [f"https://pubmed.ncbi.nlm.nih.gov/{m.group(1)}/" for m in _PMID.finditer(evidence)]
    return list(dict.fromkeys(as_uri(link) for link in links))


def target(resource: Resource, locator: str = "") -> dict[str, Any]:
    found = selector(locator) if locator else None
    source = as_uri(resource.url)
    if found is None:
        return {"id": source, "type": TEXT_TYPES.get(resource.kind, "Text")}
    return {"type": "SpecificResource", "source": source, "selector": found}


def person(name: str) -> dict[str, str]:
    return {"type": "Person", "name": name}


def correction_annotation(
    c: Correction, resource: Resource, creator: str, status: str, namespace: str
) -> dict[str, Any]:
    where = f" (at {c.locator})" if c.locator else ""
    body: list[dict[str, str]] = [
        text(c.correction, "editing"),
        text(f"The resource says{where}: {c.claim}", "describing"),
        text(f"Evidence: {c.evidence}", "commenting"),
        text(f"severity: {c.severity}", "tagging"),
        text(f"tutor: {status}", "tagging"),
    ]
    body += [
        {"type": "SpecificResource", "purpose": "linking", "source": link}
        for link in evidence_links(c.evidence)
    ]
    return {
        "@context": CONTEXT,
        "id": urn(c.id, namespace),
        "type": "Annotation",
        "motivation": "editing",
        "creator": person(creator),
        "created": stamp(c.created_at),
        "modified": stamp(c.created_at),
        "body": body,
        "target": target(resource, c.locator),
    }


def review_annotation(
    r: Review, resource: Resource, rubric: Rubric, creator: str, namespace: str
) -> dict[str, Any]:
    lines = []
    for item in rubric.items:
        value = r.scores.get(item.id)
        if value is None:
            lines.append(f"{item.prompt} not rated")
        else:
            label = item.scale.labels.get(value, "")
            lines.append(f"{item.prompt} {value} of {item.scale.max}: {label}")
    score = rubric.review_score(r.scores)
    if score is not None:
        lo, hi = rubric.score_range
        lines.insert(0, f"{rubric.name}: {score:g} (scale {lo:g} to {hi:g})")
    body = [text("\n".join(lines), "assessing")]
    if r.comment:
        body.append(text(r.comment, "commenting"))
    body += [text(f"flag: {flag.replace('_', ' ')}", "tagging") for flag in r.flags]
    return {
        "@context": CONTEXT,
        "id": urn(r.id, namespace),
        "type": "Annotation",
        "motivation": "assessing",
        "creator": person(creator),
        "created": stamp(r.created_at),
        "modified": stamp(r.updated_at),
        "body": body,
        "target": target(resource),
    }


def iter_annotations(req: ExportRequest) -> Iterator[dict[str, Any]]:
    """Every live correction, then every live review, as an annotation."""
    wb = req.wb
    namespace = wb.config.id
    resources = {r.id: r for r in wb.resources()}
    names = wb.pseudonyms()
    state = wb.moderation()
    rubrics = wb.rubrics()
    corrections, reviews = wb.corrections(), wb.reviews()
    total = max(len(corrections) + len(reviews), 1)
    for done, c in enumerate(corrections):
        if done % 500 == 0:
            req.step(0.9 * done / total, "writing corrections as annotations")
        if c.resource_id in resources:
            creator = names.get(c.author, "Anonymous reviewer")
            status = state.status(c.id)
            yield correction_annotation(c, resources[c.resource_id], creator, status, namespace)
    for done, r in enumerate(reviews, start=len(corrections)):
        if done % 500 == 0:
            req.step(0.9 * done / total, "writing reviews as annotations")
        if r.resource_id in resources and r.rubric in rubrics:
            creator = names.get(r.reviewer, "Anonymous reviewer")
            resource = resources[r.resource_id]
            yield review_annotation(r, resource, rubrics[r.rubric], creator, namespace)


def render(req: ExportRequest) -> bytes:
    items = list(iter_annotations(req))
    wb = req.wb
    collection = {
        "@context": CONTEXT,
        "id": named_urn("collection", wb.config.id),
        "type": "AnnotationCollection",
        "label": f"Appraise: {wb.config.title}",
        "generated": stamp(req.generated_at),
        "total": len(items),
        "first": {
            "id": named_urn("page-1", wb.config.id),
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }
    req.step(1.0, "annotations written")
    return json.dumps(collection, ensure_ascii=False, indent=1).encode("utf-8")


FORMAT = Format(
    name="jsonld",
    suffix=".jsonld",
    media_type="application/ld+json",
    description="corrections and reviews as W3C Web Annotations (always pseudonymous)",
    render=render,
    allows_identities=False,
)
