"""What stands in the place of a review, correction or comment a tutor has hidden.

Its author reads why ("Your comment was hidden by a tutor: <reason>"), so a tutor's reason
reaches the person it is for; everyone else reads only that something was hidden, so a gap
in a discussion is not a mystery. The hidden text itself is never shown to learners.
"""

from __future__ import annotations

from widgets.format import esc


def hidden_html(what: str, own: bool, reason: str) -> str:
    """The note for a hidden ``what`` (``review``, ``correction``, ``comment``); escaped."""
    if own:
        why = f": {esc(reason)}" if reason else ""
        return (
            f"<p class='appraise-hidden-item appraise-hidden-own' role='note'>Your {esc(what)} "
            f"was hidden by a tutor{why}</p>"
        )
    return f"<p class='appraise-hidden-item' role='note'>A {esc(what)} was hidden by a tutor.</p>"
