"""A learner's assigned reviews, at the top of the catalogue: "Your assignments (2 of 5 done)".

The resources still to review come first (soonest due first), each a button that opens the
resource; the done ones are listed after them with a tick. Nothing shows when a tutor has
assigned nothing. Only the signed-in learner's own assignments are read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import ipywidgets as W

from reviews.domain.model import now
from widgets.fields import close_tree
from widgets.format import esc
from widgets.listing import Listing
from widgets.status import Status

MAX_SHOWN = 10


def due_text(due: datetime | None, moment: datetime) -> str:
    if due is None:
        return ""
    if due < moment:
        return f"overdue since {due:%d %b}"
    return f"due {due:%a %d %b, %H:%M} UTC"


class YourAssignments:
    """The assignments of ``listing.user``; ``on_open(resource_id)`` opens one."""

    def __init__(
        self, listing: Listing, on_open: Callable[[str], None], status: Status | None = None
    ) -> None:
        self.listing = listing
        self.on_open = on_open
        self.status = status or Status()
        self.head = W.HTML()
        self.items = W.VBox()
        self.items.add_class("appraise-assignment-list")
        self.widget = W.VBox([self.head, self.items])
        self.widget.add_class("appraise-assignments")
        self.refresh()

    def refresh(self) -> None:
        for child in self.items.children:
            close_tree(child)
        user = self.listing.user
        progress = self.listing.wb.assignment_progress(user) if user else []
        if not progress:
            self.widget.layout.display = "none"
            self.head.value = ""
            self.items.children = []
            return
        self.widget.layout.display = None
        done = sum(1 for _, d in progress if d)
        moment = now()
        titles = {r.id: r.title for r in self.listing.wb.resources()}
        summary = "all done, thank you" if done == len(progress) else "open one to review it"
        self.head.value = (
            f"<h2 class='appraise-assignments-head'>Your assignments ({done} of "
            f"{len(progress)} done)</h2><p class='appraise-meta'>Set by your tutor: "
            f"{esc(summary)}.</p>"
        )
        children: list[W.Widget] = []
        for assignment, finished in progress[:MAX_SHOWN]:
            title = titles.get(assignment.resource_id, "(a resource no longer listed)")
            if finished:
                line = W.HTML(f"<p class='appraise-assignment-done'>✓ {esc(title)}</p>")
                children.append(line)
                continue
            when = due_text(assignment.due, moment)
            button = W.Button(
                description=f"{title} · {when}" if when else title,
                tooltip=f"Open “{title}” to review it",
                layout=W.Layout(width="100%"),
            )
            button.add_class("appraise-assignment-open")
            button.add_class("appraise-nav")
            if assignment.due is not None and assignment.due < moment:
                button.add_class("appraise-overdue")
            button.on_click(self.status.guard(lambda _b, r=assignment.resource_id: self.on_open(r)))
            children.append(button)
        if len(progress) > MAX_SHOWN:
            children.append(W.HTML(f"<p>and {len(progress) - MAX_SHOWN} more.</p>"))
        self.items.children = children
