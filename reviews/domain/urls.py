"""Canonical resource URLs, and the platform and kind a URL suggests.

The same video or article reaches learners through many links: a share button adds ``?si=``,
a phone opens ``m.`` hosts, an embed uses another path. If each spelling were a new resource,
ratings would be split across duplicates, so every URL is reduced to one canonical string
before it is stored or compared. The rules here are deliberately conservative: they only
remove what never identifies a resource (tracking, fragments, mobile hosts, default ports).

Canonical forms chosen (and relied on by the catalogue, so change them only with a migration):

* always ``https://``; host lowercase, IDN hosts in punycode, no ``www.``/``m.``/``mobile.``;
* the root is ``https://host/``; any other path has no trailing slash;
* query parameters sorted by name (repeats keep their order), tracking parameters removed;
* YouTube videos: ``https://youtube.com/watch?v=ID``, without ``www.``, so that the one rule
  "no www" holds everywhere without exceptions;
* Wikipedia: ``https://<lang>.wikipedia.org/wiki/Title_with_underscores`` (non-ASCII
  percent-encoded as UTF-8);
* Twitter/X: ``https://x.com/...``.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import quote, unquote, urlsplit

from reviews.domain.errors import InvalidURL

KINDS: tuple[str, ...] = (
    "video", "article", "wiki", "blog", "podcast", "tweetorial", "infographic", "other",
)  # fmt: skip

MAX_URL_LENGTH = 2048
"""Longer links are almost always pasted search results or signed redirects, not resources."""

# Query parameters (matched case-insensitively, plus any utm_*) that only say *how* someone
# arrived, never *what* the resource is.
_TRACKING_PARAMS = frozenset(
    {"si", "feature", "fbclid", "gclid", "igshid", "mc_cid", "mc_eid", "ref_src", "ref"}
)
# Host labels that only select a mobile or legacy front end of the same site.
_FRONT_END_LABELS = frozenset({"www", "m", "mobile"})
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters left as they are in paths and queries: unreserved, sub-delims, ":@/?" (RFC 3986).
_ALLOWED_RAW = _UNRESERVED | frozenset("!$&'()*+,;=:@/?")
_ESCAPE_OR_CHAR = re.compile(r"%[0-9A-Fa-f]{2}|.", re.DOTALL)
_HOST = re.compile(r"[a-z0-9_-]{1,63}(?:\.[a-z0-9_-]{1,63})*")
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_YOUTUBE_HOSTS = frozenset({"youtube.com", "youtu.be", "youtube-nocookie.com"})
_YOUTUBE_ID_PATHS = frozenset({"shorts", "embed", "live", "v", "e"})
_WIKI_TITLE_SAFE = "!$()*,/:;@~"  # what MediaWiki itself leaves unescaped in /wiki/ links

# Hosts mapped to a platform name. A key matches its host and any subdomain of it, so
# "wikipedia.org" covers every language; "host/segment" keys need that first path segment.
PLATFORMS: dict[str, str] = {
    "youtube.com": "youtube", "youtu.be": "youtube", "youtube-nocookie.com": "youtube",
    "vimeo.com": "vimeo", "wikipedia.org": "wikipedia", "x.com": "x", "twitter.com": "x",
    "spotify.com": "spotify", "podcasts.apple.com": "apple-podcasts",
    "soundcloud.com": "soundcloud", "instagram.com": "instagram", "tiktok.com": "tiktok",
    "facebook.com": "facebook", "fb.watch": "facebook", "linkedin.com": "linkedin",
    "medium.com": "medium", "substack.com": "substack", "radiopaedia.org": "radiopaedia",
    "litfl.com": "litfl", "pubmed.ncbi.nlm.nih.gov": "pubmed", "doi.org": "doi",
    "nejm.org": "journal", "bmj.com": "journal", "thelancet.com": "journal",
    "jamanetwork.com": "journal", "nature.com": "journal",
    "ncbi.nlm.nih.gov/pmc": "journal", "pmc.ncbi.nlm.nih.gov": "journal",
}  # fmt: skip

# The kind a platform implies. "Sure" platforms decide outright; for the others a more
# telling path or host wins (a BMJ infographic, a Substack podcast, a LinkedIn blog post).
# Social posts and profiles are "other": nothing there suggests a kind.
_SURE_KINDS = {
    "youtube": "video", "vimeo": "video", "tiktok": "video", "wikipedia": "wiki",
    "spotify": "podcast", "apple-podcasts": "podcast", "soundcloud": "podcast",
}  # fmt: skip
_LIKELY_KINDS = {
    "medium": "blog", "substack": "blog", "litfl": "blog", "pubmed": "article", "doi": "article",
    "journal": "article", "x": "other", "instagram": "other", "facebook": "other",
    "linkedin": "other",
}  # fmt: skip
_BLOG_HOSTS = ("blog", "wordpress.com", "emcrit.org")  # "blog" also covers blogspot.com
_EXTENSION_KINDS = {
    ".png": "infographic", ".jpg": "infographic", ".jpeg": "infographic",
    ".gif": "infographic", ".svg": "infographic", ".webp": "infographic",
    ".mp4": "video", ".mp3": "podcast", ".m4a": "podcast",
}  # fmt: skip
_TWEET_PATH = re.compile(r"/status(?:es)?/\d+")


def normalise_url(url: str) -> str:
    """Return the canonical form of ``url`` so that one resource is never catalogued twice.

    Raises :class:`InvalidURL` (with advice for the learner) unless ``url`` is an absolute
    http(s) link with a host. The result is a fixed point: normalising it again changes nothing.
    """
    text = url.strip()
    host, port, path, query = _split(text)
    host = _canonical_host(host, text)
    path = _normalise_path(path)
    params = _query_params(query)

    if host in _YOUTUBE_HOSTS and (video := _youtube_id(host, path, params)):
        return f"https://youtube.com/watch?v={video}"
    if host.endswith(".wikipedia.org"):
        path, params = _wikipedia_path(path, params)
    elif host in ("twitter.com", "x.com"):
        host = "x.com"
        params = [(name, p) for name, p in params if name not in ("s", "t")]  # share ids

    # Both 80 and 443 go: every link becomes https, so either only restates a default, and
    # keeping ":80" would make http://host:80/ and https://host:80/ two resources.
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    query = "&".join(param for _, param in sorted(params, key=lambda p: p[0]))
    return f"https://{netloc}{path}" + (f"?{query}" if query else "")


def infer_platform(url: str) -> str:
    """Name the platform hosting ``url`` (see :data:`PLATFORMS`), else its host without www.

    Platforms group resources in the catalogue and drive :func:`infer_kind`; unknown sites
    are named by host so that a tutor still sees at a glance where a resource lives.
    """
    parts = urlsplit(normalise_url(url))
    return _platform(parts.hostname or "", parts.path)


def _platform(host: str, path: str) -> str:
    """Look ``host`` up in :data:`PLATFORMS`, most specific domain (and first segment) first."""
    labels = host.split(".")
    for domain in (".".join(labels[i:]) for i in range(len(labels))):
        for key in (f"{domain}/{path.split('/')[1]}", domain):  # e.g. "ncbi.nlm.nih.gov/pmc"
            if key in PLATFORMS:
                return PLATFORMS[key]
    return host


def infer_kind(url: str) -> str:
    """Guess which of :data:`KINDS` ``url`` is, as a default the learner can correct.

    The default is "article", because most plain web pages learners share are written
    pages; "other" is kept for social posts and profiles where nothing suggests a kind.
    """
    parts = urlsplit(normalise_url(url))
    host, path = parts.hostname or "", parts.path.lower()
    platform = _platform(host, parts.path)
    extension = re.search(r"\.[a-z0-9]+$", path)
    if extension and extension.group() in _EXTENSION_KINDS:
        return _EXTENSION_KINDS[extension.group()]
    if platform in _SURE_KINDS:
        return _SURE_KINDS[platform]
    if "podcast" in host or "podcast" in path:
        return "podcast"
    if platform == "x" and _TWEET_PATH.search(path):
        return "tweetorial"
    if "infographic" in host or "infographic" in path:
        return "infographic"
    if "/blog" in path or any(h in host for h in _BLOG_HOSTS):
        return "blog"
    return _LIKELY_KINDS.get(platform, "article")


def _split(text: str) -> tuple[str, int | None, str, str]:
    """Check ``text`` is an absolute http(s) URL; return its raw host, port, path and query."""
    if not text:
        raise InvalidURL("The link is empty. Paste the full web address, starting with https://.")
    if len(text) > MAX_URL_LENGTH:
        problem = f"is {len(text)} characters long (the limit is {MAX_URL_LENGTH})"
        raise _refusal(text, problem, "Use the short link from the page's Share button instead.")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
        raise _refusal(text, "contains invisible control characters or line breaks")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise _refusal(text, "could not be read as a web address (check any ':port')") from None
    if parts.scheme not in ("http", "https"):
        advice = "Copy the full address from your browser's address bar."
        if not parts.scheme and re.match(r"[\w-]+(\.[\w-]+)+(/|$)", text):
            advice = f"Did you mean {_shown('https://' + text)}?"
        raise InvalidURL(
            "Only web links starting with http:// or https:// can be added "
            f"(got {_shown(text)}). {advice}"
        )
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise _refusal(text, f"has no website name after '{parts.scheme}://'")
    return host, port, parts.path, parts.query


def _shown(text: str) -> str:
    """Quote (a shortened) ``text`` for an error message, so that long links stay readable."""
    return repr(text if len(text) <= 60 else text[:60] + "…")


def _refusal(text: str, problem: str, advice: str = "") -> InvalidURL:
    """An error naming the link, what is wrong with it, and what the learner can do."""
    advice = advice or "Copy the full address again from your browser's address bar."
    return InvalidURL(f"The link {_shown(text)} {problem}. {advice}")


def _canonical_host(host: str, text: str) -> str:
    """Validate ``host`` and drop the prefixes that only pick a front end of the same site."""
    if any(c.isspace() for c in host):
        raise _refusal(text, "contains a space in the website name", "Remove it and try again.")
    invalid = _refusal(text, "has an invalid website name", "Check it for typos.")
    try:
        if ":" in host:  # an IPv6 literal, which urlsplit has already taken out of its [ ]
            return f"[{ipaddress.IPv6Address(host).compressed}]"
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except (ValueError, UnicodeError):  # UnicodeError: a label IDNA cannot encode
        raise invalid from None
    if len(host) > 253 or not _HOST.fullmatch(host):
        raise invalid
    labels = host.split(".")
    while len(labels) > 2 and labels[0] in _FRONT_END_LABELS:
        del labels[0]
    while len(labels) > 3 and labels[1] in _FRONT_END_LABELS:  # en.m.wikipedia.org
        del labels[1]
    return ".".join(labels)


def _normalise_escapes(text: str) -> str:
    """Decode escaped unreserved characters, uppercase other escapes, escape the rest."""
    out = []
    for match in _ESCAPE_OR_CHAR.finditer(text):
        token = match.group()
        if len(token) == 3:
            char = chr(int(token[1:], 16))
            out.append(char if char in _UNRESERVED else token.upper())
        elif token in _ALLOWED_RAW:
            out.append(token)
        else:
            out.append("".join(f"%{byte:02X}" for byte in token.encode("utf-8")))
    return "".join(out)


def _normalise_path(path: str) -> str:
    """Normalise escapes, resolve "." and ".." as a browser would, drop trailing slashes."""
    kept: list[str] = []
    for segment in _normalise_escapes(path).split("/")[1:]:
        if segment == "..":
            del kept[-1:]
        elif segment != ".":
            kept.append(segment)
    return "/" + "/".join(kept).rstrip("/")


def _query_params(query: str) -> list[tuple[str, str]]:
    """Split ``query`` into (decoded lowercase name, normalised ``name=value``), minus tracking."""
    params = []
    for piece in query.split("&"):
        param = _normalise_escapes(piece)
        name = unquote(param.partition("=")[0]).lower()
        if param and not name.startswith("utm_") and name not in _TRACKING_PARAMS:
            params.append((name, param))
    return params


def _youtube_id(host: str, path: str, params: list[tuple[str, str]]) -> str | None:
    """The video id a YouTube link points at, or None if it is not (validly) a video link."""
    segments = path.strip("/").split("/")
    if host == "youtu.be":
        candidate = segments[0]
    elif path == "/watch":
        candidate = next((p.partition("=")[2] for name, p in params if name == "v"), "")
    elif len(segments) == 2 and segments[0] in _YOUTUBE_ID_PATHS:
        candidate = segments[1]
    else:
        return None
    return candidate if _YOUTUBE_ID.fullmatch(candidate) else None


def _wikipedia_path(path: str, params: list[tuple[str, str]]) -> tuple[str, list[tuple[str, str]]]:
    """Rewrite ``/w/index.php?title=X`` to ``/wiki/X`` and spell every title one way.

    MediaWiki treats spaces and underscores alike and ignores them at the ends of a title, so
    they are folded to single underscores, and the first letter is capitalised as MediaWiki
    does; the title is then re-escaped in one fixed way.
    """
    if path == "/w/index.php" and any(name == "title" for name, _ in params):
        title = next(p.partition("=")[2] for name, p in params if name == "title")
        title = title.replace("+", "%20")  # "+" is a space in a query, but literal in a path
        path, params = f"/wiki/{title}", [(n, p) for n, p in params if n != "title"]
    if not path.startswith("/wiki/"):
        return path, params
    segments = []
    title = unquote(path[len("/wiki/") :])
    title = title[:1].upper() + title[1:]  # Wikipedia ignores the case of the first letter
    for segment in title.split("/"):
        segment = re.sub(r"[\s_]+", "_", segment).strip("_")
        if segment not in ("", ".", ".."):
            segments.append(quote(segment, safe=_WIKI_TITLE_SAFE))
    return ("/wiki/" + "/".join(segments) if segments else "/wiki"), params
