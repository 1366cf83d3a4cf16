"""A small classroom for widget and browser tests: a tutor, three learners, four resources."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reviews import Workbook
from reviews.domain.model import Resource

HOSTILE_TITLE = "<img src=x onerror=alert(1)>"
HOSTILE_COMMENT = "<script>alert('comment')</script> & <b>bold</b>"


@dataclass
class Classroom:
    wb: Workbook
    video: Resource  # a YouTube video, reviewed by two learners, with a correction
    wiki: Resource  # a Wikipedia article, unreviewed
    blog: Resource  # a blog, reviewed by the tutor
    hostile: Resource  # a title and a comment written to attack the page


def make_classroom(path: Path, **settings: object) -> Classroom:
    settings.setdefault("blind_until_reviewed", False)  # the tests of blindness turn it on
    wb = Workbook.create(path, title="Cardiology block", tutors=["dr-lee"], **settings)
    video = wb.add_resource(
        "https://youtu.be/dQw4w9WgXcQ",
        title="AF in 10 minutes",
        added_by="ana",
        topics=["ecg", "arrhythmia"],
    )
    wiki = wb.add_resource(
        "https://en.m.wikipedia.org/wiki/Atrial_fibrillation",
        title="Atrial fibrillation",
        added_by="ben",
        topics=["arrhythmia"],
    )
    blog = wb.add_resource(
        "https://litfl.com/atrial-fibrillation-ecg-library/",
        title="LITFL: AF ECG library",
        added_by="dr-lee",
        topics=["ecg"],
    )
    hostile = wb.add_resource("https://example.org/xss", title=HOSTILE_TITLE, added_by="cat")
    wb.submit_review(video.id, "ana", {"overall": 4}, comment="Clear.", flags=["outdated"])
    wb.submit_review(video.id, "ben", {"overall": 2}, confidence=3, comment="Old guidance.")
    wb.submit_review(blog.id, "dr-lee", {"overall": 5})
    wb.submit_review(hostile.id, "cat", {"overall": 1}, comment=HOSTILE_COMMENT)
    wb.add_correction(
        video.id,
        author="ben",
        locator="04:10",
        claim="Digoxin first line for everyone.",
        correction="Beta-blocker or rate-limiting CCB first line.",
        evidence="NICE NG196 section 1.7, PMID: 34447992",
        severity="major",
    )
    return Classroom(wb, video, wiki, blog, hostile)
