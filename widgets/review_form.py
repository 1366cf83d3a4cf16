"""The review form: the workbook's rubric item by item, then confidence, flags, Bloom levels
and a comment.

Every item shows its question, its help text and each point of its scale with its label
(anchored scales are more reliable than bare numbers). What is missing is said beside the item,
not in a message at the end of a long form. Reopening a resource pre-fills the form with my
review, and saving again edits it (the workbook keeps the earlier version).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as W

from reviews.domain.model import BLOOM_LEVELS, FLAGS, LIMITS, Review
from reviews.domain.rubric import Item
from reviews.workbook import Workbook
from widgets.fields import STACKED, FieldError, TextField, labelled
from widgets.format import BLOOM_LABELS, CONFIDENCE_LABELS, FLAG_LABELS, esc
from widgets.identifier_warning import IdentifierWarning
from widgets.status import Status

NOT_APPLICABLE = "n/a"


class ItemQuestion:
    """One rubric item: its question, help, scale labels and the message beside it."""

    def __init__(self, item: Item) -> None:
        self.item = item
        options: list[tuple[str, Any]] = [
            (f"{value} – {label}", value) for value, label in sorted(item.scale.labels.items())
        ]
        if item.allow_na:
            options.append(("Not applicable / cannot judge", NOT_APPLICABLE))
        self.choice = labelled(
            W.RadioButtons(options=options, value=None, description=item.prompt, style=STACKED),
            f"appraise-item-{item.id}",
        )
        self.choice.add_class("appraise-item")  # its label is read out, not shown (below)
        self.help = W.HTML(
            f"<p class='appraise-prompt'>{esc(item.prompt)}</p>"
            f"<p class='appraise-hint'>{esc(item.help)}</p>"
        )
        self.error = FieldError()
        self.widget = W.VBox([self.help, self.choice, self.error.widget])
        self.widget.add_class("appraise-question")

    @property
    def answer(self) -> int | None:
        value = self.choice.value
        return None if value in (None, NOT_APPLICABLE) else int(value)

    def prefill(self, value: int | None) -> None:
        if value is None:
            self.choice.value = NOT_APPLICABLE if self.item.allow_na else None
        elif value in self.item.scale.labels:
            self.choice.value = value

    def check(self) -> bool:
        if self.choice.value is None:
            self.error.show(
                "Please choose one" + (", or “Not applicable”." if self.item.allow_na else ".")
            )
            return False
        self.error.clear()
        return True


class ReviewForm:
    """Review one resource; ``on_saved(review)`` after a successful save."""

    def __init__(
        self,
        wb: Workbook,
        user: str,
        on_saved: Callable[[Review], None],
        status: Status | None = None,
    ) -> None:
        self.wb = wb
        self.user = user
        self.on_saved = on_saved
        self.status = status or Status()
        self.rubric = wb.rubric()
        self.resource_id = ""
        self.editing = False
        self.questions = [ItemQuestion(item) for item in self.rubric.items]
        self.confidence = labelled(
            W.RadioButtons(
                options=[(label, value) for value, label in CONFIDENCE_LABELS.items()],
                value=None,
                description="How sure are you of your ratings? (optional)",
                style=STACKED,
            ),
            "appraise-confidence",
        )
        self.flags = {
            flag: W.Checkbox(description=FLAG_LABELS[flag], indent=False) for flag in FLAGS
        }
        self.bloom = {
            level: W.Checkbox(description=BLOOM_LABELS[level], indent=False)
            for level in BLOOM_LEVELS
        }
        for name, box in {**self.flags, **self.bloom}.items():
            box.add_class(f"appraise-check-{name}")
        self.comment = TextField(
            "Comment",
            "appraise-review-comment",
            LIMITS["comment"],
            placeholder="What is good, what is missing, who should use it? No patient details.",
            multiline=True,
        )
        self.warning = IdentifierWarning(self.status)
        self.submit = W.Button(description="Submit review", button_style="primary")
        self.submit.add_class("appraise-submit-review")
        self.submit.on_click(self.status.guard(self._on_submit))
        heading = W.HTML(
            f"<h3>Your review</h3><p class='appraise-hint'>Rubric: {esc(self.rubric.name)}. "
            "Rate what the resource says and shows, not how much you liked it.</p>"
        )
        flags_box = W.VBox(
            [W.HTML("<p><b>Red flags</b> (tick any that apply)</p>"), *self.flags.values()]
        )
        bloom_box = W.VBox(
            [
                W.HTML("<p><b>What did it make you do?</b> (Bloom levels, optional)</p>"),
                *self.bloom.values(),
            ]
        )
        flags_box.add_class("appraise-checks")
        bloom_box.add_class("appraise-checks")
        self.widget = W.VBox(
            [
                heading,
                *(q.widget for q in self.questions),
                self.confidence,
                flags_box,
                bloom_box,
                self.comment.widget,
                self.warning.widget,
                self.submit,
                self.status.widget,
            ]
        )
        self.widget.add_class("appraise-review-form")

    def load(self, resource_id: str) -> None:
        """Show the form for ``resource_id``: my review pre-filled, or empty."""
        self.resource_id = resource_id
        self.status.clear()
        self.warning.hide()
        mine = self.wb.review_of(resource_id, self.user, rubric=self.rubric.id)
        self.editing = mine is not None
        for q in self.questions:
            q.choice.value = None
            q.error.clear()
            if mine is not None:
                q.prefill(mine.scores.get(q.item.id))
        self.confidence.value = mine.confidence if mine else None
        for flag, box in self.flags.items():
            box.value = bool(mine and flag in mine.flags)
        for level, box in self.bloom.items():
            box.value = bool(mine and level in mine.bloom)
        self.comment.value = mine.comment if mine else ""
        self.comment.error.clear()
        self.submit.description = "Update my review" if self.editing else "Submit review"

    def _on_submit(self, _: W.Button) -> None:
        self.status.clear()
        ok = all([q.check() for q in self.questions]) & self.comment.check()
        if not ok:
            self.status.error("Some answers are missing or too long: see the messages above.")
            return
        self.warning.check({"Comment": self.comment.value}, self._save)

    def _save(self) -> None:
        self.submit.disabled = True
        self.submit.description = "Saving…"
        try:
            review = self.wb.submit_review(
                self.resource_id,
                reviewer=self.user,
                rubric=self.rubric.id,
                scores={q.item.id: q.answer for q in self.questions},
                comment=self.comment.value,
                confidence=self.confidence.value,
                flags=[f for f, box in self.flags.items() if box.value],
                bloom=[b for b, box in self.bloom.items() if box.value],
            )
        finally:
            self.submit.disabled = False
            self.submit.description = "Update my review" if self.editing else "Submit review"
        was_edit = self.editing
        self.editing = True
        self.submit.description = "Update my review"
        self.status.success(
            "Your changes are saved (your earlier version is kept)."
            if was_edit
            else "Saved. Thank you: your review now counts in the class's score."
        )
        self.on_saved(review)
