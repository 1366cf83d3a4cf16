"""Spot text that looks like it identifies a patient, before a learner saves it.

Learners quote what they saw and describe cases; now and then a date of birth, a hospital
number or a name slips in. Everything saved in a workbook is shown to the whole class and kept
in files that tutors export, so the forms warn before saving and let the learner edit. This is
a safety net, not de-identification: it looks for the usual suspects (dates of birth, NHS and
medical record numbers, phone numbers, e-mail addresses, names after "patient", "Mr", "Mrs",
"Ms", "Miss") and says what it found; the learner decides.

It must stay quiet on what corrections are made of (PMIDs, DOIs, guideline codes such as NG196,
video timestamps, years, doses), or learners learn to ignore it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: What each kind of finding is called when the form explains it to the learner.
LABELS = {
    "date_of_birth": "a date of birth",
    "full_date": "a full date (a date of birth or an admission date identifies a patient)",
    "nhs_number": "an NHS number",
    "record_number": "a hospital or medical record number",
    "long_number": "a long number that could be a hospital or record number",
    "phone": "a phone number",
    "email": "an e-mail address",
    "name": "a person's name",
}


@dataclass(frozen=True)
class Finding:
    """One suspicious stretch of text: ``text[start:end]`` is ``match``."""

    kind: str
    match: str
    start: int
    end: int

    @property
    def label(self) -> str:
        return LABELS[self.kind]


_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"  # 03/04/1961, 3.4.61
    r"|\d{4}-\d{1,2}-\d{1,2}"  # 1961-04-03
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\.?,?\s+\d{{4}}"  # 3rd April 1961
    rf"|{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"  # April 3, 1961
)
_BIRTH = r"(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s*date|born(?:\s+on)?)"
_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)),
    ("date_of_birth", re.compile(rf"\b{_BIRTH}\s*[:\-]?\s*{_DATE}", re.I)),
    # Numeric day-month-year dates: citations give years, not days, so a full date is unusual.
    (
        "full_date",
        re.compile(
            r"(?<![\w/.])(?:\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})|\d{1,2}\.\d{1,2}\.\d{4})(?![\w/.])"
        ),
    ),
    ("nhs_number", re.compile(r"(?<![\w.])\d{3}[\s-]?\d{3}[\s-]?\d{4}(?![\w.])")),
    (
        "record_number",
        re.compile(
            r"\b(?:mrn|medical\s+record\s+(?:number|no)|hospital\s+(?:number|no)|"
            r"hosp\.?\s+no|patient\s+(?:id|number|no)|unit\s+(?:number|no)|chi(?:\s+number)?|"
            r"nhs\s+(?:number|no))\.?\s*[:#]?\s*[A-Z]{0,3}\d[\d\s-]{3,14}\d",
            re.I,
        ),
    ),
    (
        "phone",
        re.compile(
            r"(?<![\w.])(?:(?:\+\d{1,3}[\s.-]?(?:\(0\)\s?)?|\(?0)\d[\d\s().-]{7,14}\d"
            r"|\(\d{3}\)\s?\d{3}[\s.-]\d{4})(?![\w.])"
        ),
    ),
    ("long_number", re.compile(r"(?<![\w./:=-])\d{7,}(?![\w/.])")),
]
_WORD = r"[A-Z](?:['’][A-Z])?[A-Za-z'’-]*[a-z]"  # Smith, O'Brien, McDonald, Smith-Jones
# Who a name is likely to belong to: a patient in a case, not the author of a guideline.
_NAME = re.compile(
    r"\b(?:(?:[Pp]atient|[Pp]t)\.?(?:\s+(?:named|called))?|Mrs|Mr|Ms|Miss|Mx)\.?"
    rf"\s+({_WORD}(?:\s+{_WORD})?)"
)
# Words that follow "patient" in ordinary medical prose, capitalised at a heading or in a title.
_NOT_NAMES = {
    "Safety",
    "Education",
    "Information",
    "Leaflet",
    "Leaflets",
    "Care",
    "Centred",
    "Centered",
    "Experience",
    "Group",
    "Groups",
    "Reported",
    "Outcomes",
    "Voices",
    "UK",
}
# Identifiers of papers and guidelines are long numbers too: never flag what follows them.
_CITATION = re.compile(r"(?:pmid|pmcid|pmc|doi|isbn|issn|nct|arxiv|ng|cg|qs|ta)\s*:?\s*$", re.I)


def _nhs_checksum_ok(digits: str) -> bool:
    """The NHS number's modulus-11 check digit (digits 1-9 weighted 10..2)."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _keep(kind: str, match: re.Match[str], text: str) -> bool:
    value = match.group(0)
    digits = re.sub(r"\D", "", value)
    if _CITATION.search(text[max(0, match.start() - 8) : match.start()]):
        return False
    if kind == "phone":
        return 10 <= len(digits) <= 13
    if kind == "nhs_number":
        return _nhs_checksum_ok(digits)
    return True


def find_identifiers(text: str) -> list[Finding]:
    """Everything in ``text`` that looks like a patient identifier, in order, never overlapping
    (the first rule that claims a stretch of text wins: a date of birth is not also a phone
    number)."""
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def claim(kind: str, start: int, end: int) -> None:
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        found.append(Finding(kind, text[start:end], start, end))

    for kind, pattern in _RULES:
        for match in pattern.finditer(text):
            if _keep(kind, match, text):
                claim(kind, match.start(), match.end())
    for match in _NAME.finditer(text):
        first = match.group(1).split()[0]
        if first not in _NOT_NAMES:
            end = match.end() - (2 if text[match.end() - 2 : match.end()] in ("'s", "’s") else 0)
            claim("name", match.start(), end)
    return sorted(found, key=lambda f: f.start)


__all__ = ["LABELS", "Finding", "find_identifiers"]
