""" "Show more": a long list on a resource's page shows its first :data:`STEP` items.

Every widget a kernel holds is sent to the browser, and a resource with a thousand
corrections once meant thousands of widgets (it never opened). The corrections, the reviews
and the discussion each show the first ``STEP`` and a button that shows ``STEP`` more.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as W

STEP = 20


class ShowMore:
    """How many items a list shows, and the button that shows more."""

    def __init__(
        self, what: str, on_more: Callable[[], None], guard: Callable[..., object]
    ) -> None:
        self.what = what
        self.limit = STEP
        self.button = W.Button(description="Show more")
        self.button.add_class("appraise-show-more")
        self.button.layout.display = "none"
        self.on_more = on_more
        self.button.on_click(guard(self._more))

    def reset(self) -> None:
        """Back to the first ``STEP`` (another resource was opened)."""
        self.limit = STEP

    def update(self, total: int) -> None:
        """Show the button while ``total`` items do not all fit."""
        hidden = total - self.limit
        if hidden > 0:
            self.button.description = (
                f"Show {min(STEP, hidden)} more {self.what} ({hidden} not shown)"
            )
            self.button.layout.display = None
        else:
            self.button.layout.display = "none"

    def _more(self, _: W.Button) -> None:
        self.limit += STEP
        self.on_more()
