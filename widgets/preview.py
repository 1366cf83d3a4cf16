"""A look at the resource without leaving the page: YouTube and Wikipedia embedded, a link
card for everything else.

The frame's address is rebuilt from a strictly checked video id or article path, never copied
from the stored URL, so a crafted URL cannot smuggle an attribute or a ``javascript:`` link into
the page. YouTube is embedded from youtube-nocookie.com (no tracking cookies until the learner
plays the video). The frames are sandboxed: they may run their own scripts and open links in a
new tab, never navigate the dashboard away. The link to the resource itself is always shown:
a frame may be blocked by the site, a school network or an offline classroom.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import ipywidgets as W

from widgets.format import esc

_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_WIKI_HOST = re.compile(r"([a-z]{2,3}(?:-[a-z]{2,8})*)\.(?:m\.)?wikipedia\.org")
_WIKI_PATH = re.compile(r"/wiki/[A-Za-z0-9%_.~!$()*,:;@'-]+(?:/[A-Za-z0-9%_.~!$()*,:;@'-]+)*")
SANDBOX = "allow-scripts allow-same-origin allow-popups allow-presentation"


def embed_url(url: str) -> tuple[str, str] | None:
    """(``"youtube"`` or ``"wikipedia"``, the address to frame), or None: show a link card."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    if host == "youtube.com" and parts.path == "/watch":
        video = (parse_qs(parts.query).get("v") or [""])[0]
        if _YOUTUBE_ID.fullmatch(video):
            return "youtube", f"https://www.youtube-nocookie.com/embed/{video}"
    if host == "youtu.be" and _YOUTUBE_ID.fullmatch(parts.path.lstrip("/")):
        return "youtube", f"https://www.youtube-nocookie.com/embed/{parts.path.lstrip('/')}"
    wiki = _WIKI_HOST.fullmatch(host)
    if wiki and _WIKI_PATH.fullmatch(parts.path):
        return "wikipedia", f"https://{wiki.group(1)}.m.wikipedia.org{parts.path}"
    return None


def link_html(url: str, title: str) -> str:
    """The resource's link, opening in a new tab without giving it a handle on this page."""
    safe = url if urlsplit(url).scheme in ("http", "https") else "#"
    host = urlsplit(safe).hostname or ""
    return (
        f"<a class='appraise-link' href='{esc(safe)}' target='_blank' "
        f"rel='noopener noreferrer'>Open “{esc(title)}” in a new tab ↗</a>"
        f"<span class='appraise-host'> ({esc(host)})</span>"
    )


def preview_html(url: str, title: str) -> str:
    """The link, and under it a sandboxed frame when the site is one we can embed."""
    link = f"<p>{link_html(url, title)}</p>"
    found = embed_url(url)
    if found is None:
        return link
    site, src = found
    what = "Video" if site == "youtube" else "Wikipedia article"
    hint = (
        "Preview from youtube-nocookie.com."
        if site == "youtube"
        else "Preview of the mobile Wikipedia page. If it stays blank, use the link above."
    )
    return (
        f"{link}<div class='appraise-embed appraise-embed-{site}'>"
        f"<iframe src='{esc(src)}' title='{esc(what)}: {esc(title)}' loading='lazy' "
        f"sandbox='{SANDBOX}' referrerpolicy='strict-origin-when-cross-origin' "
        "allow='encrypted-media; picture-in-picture; fullscreen' allowfullscreen></iframe>"
        f"</div><p class='appraise-hint'>{esc(hint)}</p>"
    )


class Preview:
    """The preview area of a resource page."""

    def __init__(self) -> None:
        self.widget = W.HTML("")
        self.widget.add_class("appraise-preview")

    def show(self, url: str, title: str) -> None:
        self.widget.value = preview_html(url, title)
