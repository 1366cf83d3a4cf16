"""The discussion under a resource: comments, replies (one level deep, to stay readable on a
phone) and a box to post.

A reply to a reply joins the thread of the comment it answers. Authors are shown by pseudonym,
tutors as tutors; every comment is escaped and keeps its line breaks.
"""

from __future__ import annotations

import ipywidgets as W

from reviews.domain.model import LIMITS, Comment
from reviews.workbook import Workbook
from widgets.fields import TextField, close_tree
from widgets.format import badge, esc, when
from widgets.hidden import hidden_html
from widgets.identifier_warning import IdentifierWarning
from widgets.show_more import ShowMore
from widgets.status import Status


def threads(comments: list[Comment]) -> list[tuple[Comment, list[Comment]]]:
    """(comment, its replies) in time order; replies to replies join the root's thread."""
    by_id = {c.id: c for c in comments}

    def root(c: Comment) -> Comment:
        seen = set()
        while c.parent_id in by_id and c.id not in seen:
            seen.add(c.id)
            c = by_id[c.parent_id]
        return c

    out: dict[str, tuple[Comment, list[Comment]]] = {}
    for c in comments:
        top = root(c)
        out.setdefault(top.id, (top, []))
        if top.id != c.id:
            out[top.id][1].append(c)
    return list(out.values())


class DiscussionThread:
    """Comments on one target (a resource) and the form to add one or reply."""

    def __init__(self, wb: Workbook, user: str) -> None:
        self.wb = wb
        self.user = user
        self.target_id = ""
        self.reply_to: Comment | None = None
        self.status = Status()
        self.heading = W.HTML()
        self.list = W.VBox()
        self.list.add_class("appraise-comments")
        self.more = ShowMore(
            "earlier threads", lambda: self.show(self.target_id), self.status.guard
        )
        self.replying = W.HTML()
        self.cancel = W.Button(description="Cancel reply")
        self.cancel.add_class("appraise-cancel-reply")
        self.cancel.on_click(self.status.guard(lambda _b: self._reply(None)))
        self.text = TextField(
            "Add to the discussion",
            "appraise-comment-text",
            LIMITS["comment"],
            placeholder="Questions, context, disagreements. Be kind; no patient details.",
            required=True,
            multiline=True,
        )
        self.warning = IdentifierWarning(self.status)
        self.post = W.Button(description="Post", button_style="primary")
        self.post.add_class("appraise-post")
        self.post.on_click(self.status.guard(self._on_post))
        self.widget = W.VBox(
            [
                self.heading,
                self.more.button,
                self.list,
                self.replying,
                self.cancel,
                self.text.widget,
                self.warning.widget,
                self.post,
                self.status.widget,
            ]
        )
        self.widget.add_class("appraise-discussion")
        self._reply(None)

    def show(self, target_id: str) -> None:
        if target_id != self.target_id:
            self.text.value = ""
            self.status.clear()
            self._reply(None)
            self.more.reset()
        self.target_id = target_id
        # Hidden comments keep their place: the author reads why, the others that one was.
        everything = self.wb.comments(target_id=target_id, include_hidden=True)
        state = self.wb.moderation()
        comments = [c for c in everything if c.id not in state.hidden]
        names = self.wb.pseudonyms()
        rows: list[W.Widget] = []
        conversations = threads(everything)
        self.more.update(len(conversations))
        for top, replies in conversations[-self.more.limit :]:  # the latest: mine shows
            for c, reply in [(top, False), *((r, True) for r in replies)]:
                if c.id in state.hidden:
                    note = W.HTML(hidden_html("comment", c.author == self.user,
                                              state.reasons.get(c.id, "")))  # fmt: skip
                    note.add_class("appraise-comment")
                    rows.append(note)
                else:
                    rows.append(self._comment(c, names, reply=reply))
        old, self.list.children = self.list.children, rows
        for row in old:
            close_tree(row)
        self.heading.value = f"<h3>Discussion ({len(comments)})</h3>" + (
            "" if everything else "<p>No comments yet. Start the discussion.</p>"
        )

    def _comment(self, c: Comment, names: dict[str, str], reply: bool) -> W.Widget:
        who = names.get(c.author, "a classmate")
        tutor = " " + badge("tutor", "tutor") if self.wb.is_tutor(c.author) else ""
        you = " (you)" if c.author == self.user else ""
        text = W.HTML(
            f"<p class='appraise-hint'>{esc(who)}{esc(you)}{tutor} · {esc(when(c.created_at))}"
            f"</p><p class='appraise-text'>{esc(c.text)}</p>"
        )
        answer = W.Button(description="Reply", tooltip=f"Reply to {who}")
        answer.add_class("appraise-reply")
        answer.on_click(self.status.guard(lambda _b: self._reply(c)))
        box = W.VBox([text, answer])
        box.add_class("appraise-comment")
        if reply:
            box.add_class("appraise-comment-reply")
        return box

    def _reply(self, comment: Comment | None) -> None:
        self.reply_to = comment
        if comment is None:
            self.replying.value = ""
            self.cancel.layout.display = "none"
            self.text.input.description = "Add to the discussion"
        else:
            who = self.wb.pseudonyms().get(comment.author, "a classmate")
            self.replying.value = f"<p class='appraise-replying'>Replying to {esc(who)}</p>"
            self.cancel.layout.display = None
            self.text.input.description = f"Your reply to {who}"

    def _on_post(self, _: W.Button) -> None:
        self.status.clear()
        if not self.text.check():
            return
        self.warning.check({"Your comment": self.text.value}, self._save)

    def _save(self) -> None:
        self.post.disabled = True
        try:
            parent = self.reply_to.id if self.reply_to else None
            self.wb.add_comment(
                self.target_id, author=self.user, text=self.text.value, parent_id=parent
            )
        finally:
            self.post.disabled = False
        self.text.value = ""
        self._reply(None)
        self.status.success("Posted.")
        self.show(self.target_id)
