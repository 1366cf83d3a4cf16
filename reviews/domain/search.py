"""Search that forgives: abbreviations of the field and typos, for the catalogue's search box.

A query is split into words. Runs of words that name something in the abbreviations file
(``AF``, ``atrial fibrillation``, ``afib``...) become one *term* whose alternatives are every
name of it; every other word is a term of its own. A resource matches when it matches every
term; a term matches when all the words of one of its alternatives are found among the
resource's words. A query word is *found* as:

- an exact word, for words of one or two characters (``AF`` must not find ``after``);
- a part of a word, from three characters (``fib`` finds ``fibrillation``, as before);
- a word, or the start of a word, within a few typing mistakes, from four characters (an
  edit is a letter missing, added, changed, or two letters swapped: the optimal string
  alignment distance; 1 edit up to seven characters, 2 from eight): ``fibrilation`` finds
  ``fibrillation``, ``atrail`` finds ``atrial``, ``murmer`` finds ``murmurs``. Computed for the
  whole vocabulary at once with ``rapidfuzz.process.cdist``.

Names in the abbreviations file are matched with the same tolerance, so ``atrial fibrilation``
still finds a resource called only "AF in 10 minutes". The built-in file is
``reviews/domain/abbreviations.yaml``; a workbook may add its own ``abbreviations.yaml`` in the
same format (see :func:`load_abbreviations`). Pure: no pandas, no I/O beyond reading those
files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from rapidfuzz.distance import OSA

if TYPE_CHECKING:  # numpy only for SearchIndex; the learner's kernel never builds one
    import numpy as np

BUILT_IN = Path(__file__).with_name("abbreviations.yaml")
WORKBOOK_FILE = "abbreviations.yaml"
_WORD = re.compile(r"[^\W_]+")
# Small words a learner types without meaning them as a condition ("AF in the elderly").
STOPWORDS = frozenset({"a", "an", "and", "for", "in", "of", "on", "or", "the", "to", "with"})

Phrase = tuple[str, ...]


def words(text: str) -> list[str]:
    """Lower-case words (letters and digits; punctuation and hyphens split)."""
    return _WORD.findall(text.lower())


def allowed_edits(word: str) -> int:
    """How many typing mistakes a query word of this length may contain."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2


def _parse(raw: object, source: str) -> list[list[str]]:
    if raw is None:
        return []
    if not isinstance(raw, dict):
        raise ValueError(f"{source}: expected lines of `ABBREVIATION: [name, other name]`")
    groups = []
    for key, names in raw.items():
        if isinstance(names, str):
            names = [names]
        if not isinstance(key, str | int) or not isinstance(names, list):
            raise ValueError(f"{source}: {key!r} should be followed by a list of names")
        if not all(isinstance(n, str | int) for n in names):
            raise ValueError(f"{source}: every name of {key!r} should be text")
        groups.append([str(key), *(str(n) for n in names)])
    return groups


def load_abbreviations(workbook_dir: Path | None = None) -> tuple[list[list[str]], list[str]]:
    """The built-in groups of names plus a workbook's own ``abbreviations.yaml``, and the
    problems found in the workbook's file (which is then left out, never fatal)."""
    groups = _parse(yaml.safe_load(BUILT_IN.read_text(encoding="utf-8")), str(BUILT_IN))
    problems: list[str] = []
    if workbook_dir is not None:
        file = workbook_dir / WORKBOOK_FILE
        if file.exists():
            try:
                groups += _parse(yaml.safe_load(file.read_text(encoding="utf-8")), str(file))
            except (yaml.YAMLError, UnicodeDecodeError, ValueError) as exc:
                problems.append(f"{file} is left out: {exc}".replace("\n", " "))
    return groups, problems


class Synonyms:
    """Groups of names that mean the same thing, as word sequences."""

    def __init__(self, groups: Iterable[Sequence[str]]) -> None:
        self.groups: list[list[Phrase]] = []
        index: dict[Phrase, int] = {}
        for names in groups:
            phrases = []
            for name in names:
                phrase = tuple(w for w in words(name) if w not in STOPWORDS) or tuple(words(name))
                if phrase and phrase not in phrases:
                    phrases.append(phrase)
            if not phrases:
                continue
            # A name in two lines joins them: "HF" and "CHF" stay apart, "ECG"/"EKG" join.
            joined = next((index[p] for p in phrases if p in index), None)
            if joined is None:
                joined = len(self.groups)
                self.groups.append([])
            for phrase in phrases:
                if phrase not in self.groups[joined]:
                    self.groups[joined].append(phrase)
                index[phrase] = joined
        self.longest = max((len(p) for g in self.groups for p in g), default=1)
        self._first: dict[str, list[tuple[Phrase, int]]] = {}
        for i, group in enumerate(self.groups):
            for phrase in group:
                self._first.setdefault(phrase[0][:1], []).append((phrase, i))

    def terms(self, query: Sequence[str]) -> list[list[Phrase]]:
        """The query's terms: each a list of alternative phrases (longest names first)."""
        out: list[list[Phrase]] = []
        i = 0
        while i < len(query):
            match = self._match_at(query, i)
            if match is None:
                out.append([(query[i],)])
                i += 1
            else:
                length, group = match
                out.append(self.groups[group])
                i += length
        return out

    def _match_at(self, query: Sequence[str], start: int) -> tuple[int, int] | None:
        best: tuple[int, int] | None = None
        for phrase, group in self._first.get(query[start][:1], []):
            n = len(phrase)
            typed = query[start : start + n]
            longer = best is None or n > best[0]
            if len(typed) == n and longer and all(map(_close, typed, phrase)):
                best = (n, group)
        return best


def _close(typed: str, name: str) -> bool:
    edits = min(allowed_edits(typed), allowed_edits(name))
    return typed == name or (edits > 0 and OSA.distance(typed, name) <= edits)


@dataclass
class SearchIndex:
    """Every document's words, indexed for forgiving search; build once per catalogue."""

    vocabulary: list[str]
    postings: list[np.ndarray]  # per vocabulary word, the documents that contain it
    size: int
    synonyms: Synonyms
    _vocab: np.ndarray | None = field(default=None, repr=False)
    _cut: dict[int, list[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, documents: Sequence[str], synonyms: Synonyms | None = None) -> SearchIndex:
        import numpy as np

        where: dict[str, list[int]] = {}
        for i, text in enumerate(documents):
            for word in set(words(text)):
                where.setdefault(word, []).append(i)
        vocabulary = sorted(where)
        postings = [np.asarray(where[w], dtype=np.int64) for w in vocabulary]
        return cls(vocabulary, postings, len(documents), synonyms or Synonyms([]))

    def match(self, query: str) -> np.ndarray:
        """A boolean mask over the documents: those matching every term of ``query``."""
        import numpy as np

        typed = words(query)
        kept = [w for w in typed if w not in STOPWORDS] or typed
        mask = np.ones(self.size, dtype=bool)
        if not kept:
            return mask
        terms = self.synonyms.terms(kept)
        needed = sorted({w for term in terms for phrase in term for w in phrase})
        found = self._found(needed)
        for term in terms:
            either = np.zeros(self.size, dtype=bool)
            for phrase in term:
                every = np.ones(self.size, dtype=bool)
                for word in phrase:
                    every &= found[word]
                either |= every
            mask &= either
        return mask

    def _found(self, needed: list[str]) -> dict[str, np.ndarray]:
        """Per query word, the documents where it is found (see the module docstring)."""
        import numpy as np
        from rapidfuzz import process

        out = {w: np.zeros(self.size, dtype=bool) for w in needed}
        if not self.vocabulary:
            return out
        vocab = self._array()
        fuzzy = [w for w in needed if allowed_edits(w)]
        close: dict[str, np.ndarray] = {}
        if fuzzy:
            lengths = np.char.str_len(vocab)
            # The tolerance of the shorter of the two words: "mitral" is not "metal".
            theirs = np.where(lengths < 4, 0, np.where(lengths < 8, 1, 2))
            whole = process.cdist(fuzzy, self.vocabulary, scorer=OSA.distance, score_cutoff=2)
            for row, word in zip(whole, fuzzy, strict=True):
                start = process.cdist(
                    [word], self._starts(len(word)), scorer=OSA.distance, score_cutoff=2
                )[0]
                close[word] = (row <= np.minimum(allowed_edits(word), theirs)) | (
                    (start <= allowed_edits(word)) & (lengths > len(word))
                )
        for word in needed:
            hits = vocab == word
            if len(word) >= 3:
                hits |= np.char.find(vocab, word) >= 0
            if word in close:
                hits |= close[word]
            for j in np.flatnonzero(hits):
                out[word][self.postings[j]] = True
        return out

    def _array(self) -> np.ndarray:
        import numpy as np

        if self._vocab is None:
            self._vocab = np.asarray(self.vocabulary, dtype=str)
        return self._vocab

    def _starts(self, length: int) -> list[str]:
        """Every vocabulary word cut to ``length`` characters (cached per length)."""
        if length not in self._cut:
            self._cut[length] = [v[:length] for v in self.vocabulary]
        return self._cut[length]
