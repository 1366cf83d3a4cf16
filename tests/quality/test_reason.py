"""The reason beside each score (quality/reason.py), on constructed classes where it is known, and
how the resource card and the summary carry it."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from reviews import Workbook
from reviews.quality.aggregate import estimate
from reviews.quality.reason import number, reasons

COLUMNS = ["resource_id", "reviewer", "is_tutor", "score"]


def honest_class(
    seed: int = 0, resources: int = 30, learners: int = 12, share: float = 0.9
) -> tuple[list[tuple], np.ndarray]:
    """Honest learners who each review ``share`` of the resources near their quality."""
    rng = np.random.default_rng(seed)
    quality = rng.uniform(1.5, 4.5, resources)
    rows = []
    for j in range(learners):
        for i in np.flatnonzero(rng.random(resources) < share):
            stars = float(np.clip(np.round(quality[i] + rng.normal(0, 0.4)), 1, 5))
            rows.append((f"res-{i}", f"learner-{j}", False, stars))
    return rows, quality


def why(rows: list[tuple]) -> pd.Series:
    reviews = pd.DataFrame(rows, columns=COLUMNS)
    return reasons(reviews, estimate(reviews, 1, 5, 1), 1, 5, 1)


def test_reviewers_who_rate_everything_5_count_less_on_a_weak_resource() -> None:
    rows, quality = honest_class()
    for lazy in ("lazy-a", "lazy-b"):
        rows += [(f"res-{i}", lazy, False, 5.0) for i in range(len(quality))]
    weakest = f"res-{int(np.argmin(quality))}"
    n = sum(1 for r in rows if r[0] == weakest)

    sentence = why(rows)[weakest]

    assert sentence.startswith("Lower than the plain average")
    assert f"2 of {n} reviewers who rate almost everything 5 count less" in sentence


def test_a_resource_with_one_review_leans_towards_the_class() -> None:
    rows, _ = honest_class()
    rows.append(("lonely", "learner-0", False, 5.0))

    reviews = pd.DataFrame(rows, columns=COLUMNS)
    fitted = estimate(reviews, 1, 5, 1)
    sentence = reasons(reviews, fitted, 1, 5, 1)["lonely"]

    level = number(1 + 4 * fitted.fit.level)
    assert sentence.startswith("Lower than the plain average (5) because")
    assert f"it leans towards the class's usual rating ({level}) with only 1 review" in sentence


def test_a_harsh_reviewer_is_named_and_the_score_is_read_up() -> None:
    rows, quality = honest_class(seed=1)
    # One learner gives everything two stars less than it deserves (never below 1).
    rows += [
        (f"res-{i}", "harsh", False, float(max(1, np.round(q) - 2))) for i, q in enumerate(quality)
    ]
    # A resource only they and one honest learner reviewed.
    rows += [("pair", "harsh", False, 2.0), ("pair", "learner-3", False, 4.0)]

    sentence = why(rows)["pair"]

    assert sentence.startswith("Higher than the plain average (3) because")
    assert "1 of 2 reviewers usually rates about" in sentence
    assert "lower than the class" in sentence


def test_agreeing_reviewers_leave_the_average_alone() -> None:
    rows = [(r, f"p{k}", False, 3.0) for r in "abc" for k in range(4)]
    assert set(why(rows)) == {"Close to the plain average of its 4 reviews."}


def test_the_summary_carries_the_reason_and_the_card_escapes_it(tmp_path: Path) -> None:
    from widgets.listing import Listing
    from widgets.summary_card import SummaryCard

    wb = Workbook.create(tmp_path / "wb", title="Reasons")
    ids = [
        wb.add_resource(f"https://example.org/{i}", f"Page {i}", added_by="t").id for i in range(3)
    ]
    for j, stars in enumerate((5, 5, 4)):
        wb.submit_review(ids[0], f"learner-{j}", {"overall": stars})
    wb.submit_review(ids[1], "learner-0", {"overall": 2})

    frame = wb.summary().set_index("id")

    assert frame.loc[ids[2], "reason"] == ""  # no reviews, nothing to explain
    assert frame.loc[ids[1], "reason"].startswith("Higher than the plain average (2) because")
    listing = Listing(wb, "learner-0")
    card = SummaryCard(wb, listing)
    card.show(ids[1])
    assert html.escape(frame.loc[ids[1], "reason"]) in card.widget.value
    row = listing.row(ids[1])
    assert row is not None
    listing.row = lambda _id: {**row, "reason": "<b>sneaky</b> & co"}  # type: ignore[method-assign]
    card.show(ids[1])
    assert "&lt;b&gt;sneaky&lt;/b&gt; &amp; co" in card.widget.value
    assert "<b>sneaky" not in card.widget.value
