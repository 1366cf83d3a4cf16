"""A person's name in one canonical form, and what makes two names the same person.

Every name (a reviewer, an author, a tutor in ``workbook.yaml``, a roster entry, a cookie's
name, JupyterHub's user) goes through :func:`canonical_name` before it is stored or compared:

- Unicode NFKC, so a no-break space, an em space or a full-width letter becomes its plain form
  (Unicode Standard Annex #15, compatibility composition);
- runs of white space collapsed to one space and trimmed, so ``"dr-lee "`` is ``"dr-lee"``;
- control, format and separator characters refused with a message naming them: bidirectional
  controls (U+202A-U+202E, U+2066-U+2069) that make a name display differently from what it
  is, the line and paragraph separators (U+2028, U+2029, U+0085) that split reports, and
  invisible characters such as U+200B (general categories Cc, Cf, Zl, Zp, Co, Cs, Cn).

Comparison ignores case (:func:`name_key`, Unicode case folding). :func:`skeleton` goes further
for the one check where look-alikes matter, a learner choosing a name that looks like a
tutor's: each character is replaced by one representative of its class of visually confusable
characters, after the idea of the *skeleton* of Unicode Technical Standard #39 (section 4).
The classes are built from the confusables data shipped by the ``confusable-homoglyphs``
package (derived from Unicode's confusables.txt), joining every single-character pair it lists.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache, lru_cache
from importlib import resources

from reviews.domain.errors import ValidationError

#: General categories refused anywhere in a name (see the module docstring).
REFUSED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"}


# Control characters have no Unicode name; the ones people meet, by their usual names.
_CONTROL_NAMES = {"\t": "TAB", "\n": "LINE FEED", "\r": "CARRIAGE RETURN", "\x85": "NEXT LINE"}


INVALID = "\0invalid"  # the key of no one


class BadName(ValidationError):
    """A name that cannot be used as typed; the message says what to change."""


def canonical_name(raw: str) -> str:
    """The stored form of a person's name, or :class:`BadName` saying what is wrong."""
    text = unicodedata.normalize("NFKC", raw)
    for ch in text:
        if unicodedata.category(ch) in REFUSED_CATEGORIES:
            raise BadName(
                f"names cannot contain invisible, line-breaking or direction-changing "
                f"characters ({describe(ch)}); please retype the name"
            )
    name = " ".join(text.split())
    if not name:
        raise BadName("must not be empty: please type a name")
    return name


def describe(ch: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: a character named for a human reader."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, _CONTROL_NAMES.get(ch, 'a control character'))}"


def name_key(name: str) -> str:
    """What two spellings of one person share: the canonical form, case folded. A name that
    cannot be canonicalised (or is not text) gets a key no valid name has, so it never
    matches anyone. Cached: tables ask it once per row."""
    if not isinstance(name, str):
        return INVALID
    return _key(name)


@lru_cache(maxsize=65536)
def _key(name: str) -> str:
    try:
        return canonical_name(name).casefold()
    except BadName:
        return INVALID


def same_person(a: str, b: str) -> bool:
    key = name_key(a)
    return key != INVALID and key == name_key(b)


@lru_cache(maxsize=4096)
def skeleton(name: str) -> str:
    """The name with every character replaced by its confusable class's representative
    (case folded), so that ``dr-lее`` with Cyrillic ``е`` and ``dr-lee`` have one skeleton."""
    table = _representatives()
    try:
        text = canonical_name(name)
    except BadName:
        return INVALID
    for _ in range(2):  # map, fold, map again: capital I and small l both look like 1
        text = "".join(table.get(ch, ch) for ch in text).casefold()
    return text


def looks_like(a: str, b: str) -> bool:
    """Could a reader take name ``a`` for name ``b`` (same skeleton)?"""
    return skeleton(a) == skeleton(b)


@cache
def _representatives() -> dict[str, str]:
    """character -> representative of its confusable class, from the package's data.

    Classes are the connected components of the "confusable with" pairs (union-find); the
    representative is an ASCII lower-case letter or digit where the class has one, else the
    lowest code point, so that the Latin spelling of a name is its own skeleton.
    """
    data = json.loads(
        resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    )
    parent: dict[str, str] = {}

    def find(ch: str) -> str:
        root = ch
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(ch, ch) != root:  # path compression
            parent[ch], ch = root, parent[ch]
        return root

    for key, glyphs in data.items():
        a = key.replace("\u200e", "")  # the data wraps right-to-left letters in LRM marks
        if len(a) != 1:
            continue
        for glyph in glyphs:
            b = glyph["c"].replace("\u200e", "")
            if len(b) == 1:
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[ra] = rb
    members: dict[str, list[str]] = {}
    for ch in list(parent):
        members.setdefault(find(ch), []).append(ch)
    table: dict[str, str] = {}
    for group in members.values():
        rep = min(group, key=lambda c: (not (c.isascii() and c.isalnum()), c.isupper(), ord(c)))
        for ch in group:
            table[ch] = rep
    return table
