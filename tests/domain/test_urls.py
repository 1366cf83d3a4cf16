"""Behaviour of URL normalisation and platform/kind inference (reviews.domain.urls)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.domain.errors import InvalidURL
from reviews.domain.urls import KINDS, infer_kind, infer_platform, normalise_url

VIDEO = "dQw4w9WgXcQ"
CANONICAL_VIDEO = f"https://youtube.com/watch?v={VIDEO}"
TRACKING = [
    "utm_source", "utm_medium", "utm_campaign", "UTM_Content", "si", "feature", "fbclid",
    "gclid", "igshid", "mc_cid", "mc_eid", "ref_src", "ref",
]  # fmt: skip


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.youtube.com/watch?v={VIDEO}",
        f"https://youtube.com/watch?v={VIDEO}",
        f"http://youtube.com/watch/?v={VIDEO}",
        f"https://youtu.be/{VIDEO}",
        f"https://youtu.be/{VIDEO}?si=Ab12Cd34&t=42",
        f"https://www.youtube.com/watch?v={VIDEO}&list=PL123&index=4&t=1m30s",
        f"https://www.youtube.com/watch?feature=share&v={VIDEO}&si=x&ab_channel=SomeChannel",
        f"https://m.youtube.com/watch?v={VIDEO}",
        f"https://www.youtube.com/shorts/{VIDEO}",
        f"https://youtube.com/shorts/{VIDEO}?feature=share",
        f"https://www.youtube.com/embed/{VIDEO}?start=10",
        f"https://www.youtube.com/live/{VIDEO}",
        f"https://www.youtube.com/v/{VIDEO}",
        f"https://www.youtube-nocookie.com/embed/{VIDEO}",
        f"https://www.youtube.com/watch?v={VIDEO}#t=30",
        f"  https://WWW.YouTube.com/watch?v={VIDEO}  ",
        CANONICAL_VIDEO,
    ],
)
def test_youtube_forms_are_one_resource(url: str) -> None:
    assert normalise_url(url) == CANONICAL_VIDEO


@settings(max_examples=100)
@given(
    video=st.from_regex(r"[A-Za-z0-9_-]{11}", fullmatch=True),
    form=st.sampled_from(
        [
            "https://youtu.be/{}",
            "https://m.youtube.com/watch?v={}&t=3",
            "https://youtube.com/shorts/{}",
        ]
    ),
)
def test_any_valid_video_id_survives_every_youtube_form(video: str, form: str) -> None:
    assert normalise_url(form.format(video)) == f"https://youtube.com/watch?v={video}"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.youtube.com/watch?v=short&si=x", "https://youtube.com/watch?v=short"),
        ("https://youtu.be/not-eleven-chars/", "https://youtu.be/not-eleven-chars"),
        ("https://www.youtube.com/@SomeChannel/", "https://youtube.com/@SomeChannel"),
        ("https://www.youtube.com/playlist?list=PL1&si=x", "https://youtube.com/playlist?list=PL1"),
    ],
)
def test_youtube_pages_that_are_not_a_valid_video_get_generic_normalisation(
    url: str, expected: str
) -> None:
    assert normalise_url(url) == expected


def test_youtube_music_is_left_on_its_own_host() -> None:
    url = f"https://music.youtube.com/watch?v={VIDEO}&si=abc"
    assert normalise_url(url) == f"https://music.youtube.com/watch?v={VIDEO}"


@pytest.mark.parametrize(
    "url",
    [
        "https://en.wikipedia.org/wiki/Atrial_fibrillation",
        "https://en.m.wikipedia.org/wiki/Atrial_fibrillation",
        "http://en.wikipedia.org/wiki/Atrial_fibrillation/",
        "https://en.wikipedia.org/wiki/Atrial%20fibrillation",
        "https://en.wikipedia.org/wiki/Atrial fibrillation",
        "https://en.wikipedia.org/wiki/Atrial__fibrillation_",
        "https://en.wikipedia.org/wiki/Atrial_fibrillation#Signs_and_symptoms",
        "https://en.wikipedia.org/w/index.php?title=Atrial_fibrillation",
        "https://en.wikipedia.org/w/index.php?title=Atrial+fibrillation",
        "https://en.m.wikipedia.org/w/index.php?title=Atrial%20fibrillation&utm_source=x",
    ],
)
def test_wikipedia_spellings_are_one_article(url: str) -> None:
    assert normalise_url(url) == "https://en.wikipedia.org/wiki/Atrial_fibrillation"


@pytest.mark.parametrize(
    "title",
    [
        "Syndrome_de_Guillain-Barré",
        "Syndrome_de_Guillain-Barr%C3%A9",
        "Syndrome_de_Guillain-Barr%c3%a9",
    ],
)
def test_wikipedia_non_ascii_titles_have_one_spelling(title: str) -> None:
    expected = "https://fr.wikipedia.org/wiki/Syndrome_de_Guillain-Barr%C3%A9"
    assert normalise_url(f"https://fr.m.wikipedia.org/wiki/{title}") == expected


def test_wikipedia_keeps_meaningful_params_and_literal_plus_signs() -> None:
    url = "https://en.wikipedia.org/w/index.php?title=Heart&oldid=123"
    assert normalise_url(url) == "https://en.wikipedia.org/wiki/Heart?oldid=123"
    assert normalise_url("https://en.wikipedia.org/wiki/C++") == (
        "https://en.wikipedia.org/wiki/C%2B%2B"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://twitter.com/someone/status/1234567890",
        "https://mobile.twitter.com/someone/status/1234567890?s=20",
        "https://www.twitter.com/someone/status/1234567890?s=20&t=AbCdEf",
        "http://x.com/someone/status/1234567890/?t=xyz&ref_src=twsrc",
    ],
)
def test_twitter_hosts_are_one_x_post(url: str) -> None:
    assert normalise_url(url) == "https://x.com/someone/status/1234567890"


def test_http_and_https_are_one_resource() -> None:
    assert normalise_url("http://emcrit.org/page") == normalise_url("https://emcrit.org/page")
    assert normalise_url("http://emcrit.org/page") == "https://emcrit.org/page"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://litfl.com/ecg-library/", "https://litfl.com/ecg-library"),
        ("https://litfl.com/ecg-library///", "https://litfl.com/ecg-library"),
        ("https://litfl.com", "https://litfl.com/"),
        ("https://litfl.com/", "https://litfl.com/"),
        ("https://litfl.com/?s=stemi", "https://litfl.com/?s=stemi"),
    ],
)
def test_trailing_slashes_are_ignored_and_the_root_is_a_single_slash(
    url: str, expected: str
) -> None:
    assert normalise_url(url) == expected


def test_tracking_params_are_removed_and_meaningful_params_kept() -> None:
    tracking = "&".join(f"{name}=x" for name in TRACKING)
    url = f"https://example.org/resource?id=3&{tracking}&page=2"
    assert normalise_url(url) == "https://example.org/resource?id=3&page=2"
    assert normalise_url("https://example.org/?utm_source=x") == "https://example.org/"


def test_query_params_are_sorted_but_repeated_params_keep_their_order() -> None:
    url = "https://example.org/search?q=ecg&b=2&a=1&q=stemi"
    assert normalise_url(url) == "https://example.org/search?a=1&b=2&q=ecg&q=stemi"


def test_fragments_are_dropped() -> None:
    assert normalise_url("https://example.org/guide#section-2") == "https://example.org/guide"
    assert normalise_url("https://example.org/#top") == "https://example.org/"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.ORG/Case/Kept", "https://example.org/Case/Kept"),
        ("https://user:secret@example.org/a", "https://example.org/a"),
        ("http://example.org:80/a", "https://example.org/a"),
        ("https://example.org:443/a", "https://example.org/a"),
        ("https://example.org:8443/a", "https://example.org:8443/a"),
        ("https://www.example.org/a", "https://example.org/a"),
        ("https://m.example.org/a", "https://example.org/a"),
        ("https://mobile.example.org/a", "https://example.org/a"),
        ("https://example.org./a", "https://example.org/a"),
        ("https://www.com/a", "https://www.com/a"),
        ("https://bücher.de/", "https://xn--bcher-kva.de/"),
        ("http://[0:0::1]:8888/lab", "https://[::1]:8888/lab"),
    ],
)
def test_host_spellings_are_one_resource(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/%7Euser/%61bc", "https://example.org/~user/abc"),
        ("https://example.org/a%2fb", "https://example.org/a%2Fb"),
        ("https://example.org/a b", "https://example.org/a%20b"),
        ("https://example.org/café", "https://example.org/caf%C3%A9"),
        ("https://example.org/100%", "https://example.org/100%25"),
        ("https://example.org/a/./b/../c", "https://example.org/a/c"),
        ("https://example.org/?q=a%2bb&r=%7e", "https://example.org/?q=a%2Bb&r=~"),
    ],
)
def test_percent_encoding_and_dot_segments_are_normalised(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


@pytest.mark.parametrize(
    ("url", "advice"),
    [
        ("", "link is empty"),
        ("   ", "link is empty"),
        ("ftp://files.example.org/notes.pdf", "Only web links starting with http://"),
        ("javascript:alert(1)", "Only web links starting with http://"),
        ("data:text/html,<p>hi</p>", "Only web links starting with http://"),
        ("mailto:tutor@example.org", "Only web links starting with http://"),
        ("/wiki/Heart", "Only web links starting with http://"),
        ("example.org/page", "Did you mean 'https://example.org/page'?"),
        ("https://", "no website name"),
        ("http:///path/only", "no website name"),
        ("https://exa mple.org/", "contains a space"),
        ("https://a..b/", "website name"),
        ("https://example.org:99999/", "could not be read"),
        ("https://[not-ipv6/", "could not be read"),
        ("https://example.org/\nmore", "control characters"),
        ("https://example.org/" + "a" * 2048, "the limit is 2048"),
    ],
)
def test_invalid_urls_are_refused_with_advice(url: str, advice: str) -> None:
    with pytest.raises(InvalidURL) as caught:
        normalise_url(url)
    assert advice in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_refusal_quotes_the_offending_link() -> None:
    with pytest.raises(InvalidURL, match=r"\(got 'ftp://files\.example\.org/x'\)"):
        normalise_url("ftp://files.example.org/x")


@pytest.mark.parametrize(
    ("url", "platform"),
    [
        (f"https://youtu.be/{VIDEO}", "youtube"),
        ("https://vimeo.com/123456", "vimeo"),
        ("https://de.m.wikipedia.org/wiki/Herz", "wikipedia"),
        ("https://twitter.com/a/status/1", "x"),
        ("https://open.spotify.com/episode/abc", "spotify"),
        ("https://podcasts.apple.com/gb/podcast/x/id1", "apple-podcasts"),
        ("https://soundcloud.com/someone/track", "soundcloud"),
        ("https://www.instagram.com/p/abc/", "instagram"),
        ("https://www.tiktok.com/@doc/video/1", "tiktok"),
        ("https://m.facebook.com/page", "facebook"),
        ("https://www.linkedin.com/posts/x", "linkedin"),
        ("https://someone.medium.com/post", "medium"),
        ("https://medium.com/@someone/post", "medium"),
        ("https://doc.substack.com/p/post", "substack"),
        ("https://radiopaedia.org/articles/pneumothorax", "radiopaedia"),
        ("https://litfl.com/ecg-library/", "litfl"),
        ("https://pubmed.ncbi.nlm.nih.gov/12345678/", "pubmed"),
        ("https://doi.org/10.1000/xyz", "doi"),
        ("https://www.nejm.org/doi/full/10.1056/x", "journal"),
        ("https://www.bmj.com/content/1", "journal"),
        ("https://www.thelancet.com/journals/lancet/article/x", "journal"),
        ("https://jamanetwork.com/journals/jama/fullarticle/1", "journal"),
        ("https://www.nature.com/articles/x", "journal"),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1/", "journal"),
        ("https://www.ncbi.nlm.nih.gov/books/NBK1/", "ncbi.nlm.nih.gov"),
        ("https://emcrit.org/ibcc/", "emcrit.org"),
        ("https://www.geekymedics.com/x", "geekymedics.com"),
    ],
)
def test_platform_is_inferred_from_the_host(url: str, platform: str) -> None:
    assert infer_platform(url) == platform


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (f"https://youtu.be/{VIDEO}", "video"),
        ("https://vimeo.com/123456", "video"),
        ("https://www.tiktok.com/@doc/video/1", "video"),
        ("https://en.m.wikipedia.org/wiki/Heart", "wiki"),
        ("https://open.spotify.com/episode/abc", "podcast"),
        ("https://podcasts.apple.com/gb/podcast/x/id1", "podcast"),
        ("https://soundcloud.com/someone/track", "podcast"),
        ("https://www.thecurbsiders.com/podcast/episode-1", "podcast"),
        ("https://podcast.example.org/ep1", "podcast"),
        ("https://twitter.com/someone/status/1234", "tweetorial"),
        ("https://x.com/someone", "other"),
        ("https://www.instagram.com/p/abc/", "other"),
        ("https://example.org/ecg-cheatsheet.PNG", "infographic"),
        ("https://example.org/img/a.svg", "infographic"),
        ("https://example.org/infographics/sepsis", "infographic"),
        ("https://litfl.com/ecg-library/", "blog"),
        ("https://emcrit.org/pulmcrit/x/", "blog"),
        ("https://someone.medium.com/post", "blog"),
        ("https://doc.substack.com/p/post", "blog"),
        ("https://someone.wordpress.com/2020/01/x", "blog"),
        ("https://someone.blogspot.com/x", "blog"),
        ("https://blog.example.org/x", "blog"),
        ("https://example.org/blog/x", "blog"),
        ("https://pubmed.ncbi.nlm.nih.gov/12345678/", "article"),
        ("https://doi.org/10.1000/xyz", "article"),
        ("https://www.nejm.org/doi/full/10.1056/x", "article"),
        ("https://www.bmj.com/content/380/bmj-2022-1/infographic", "infographic"),
        ("https://blogs.bmj.com/bmj/2024/01/01/x/", "blog"),
        ("https://www.linkedin.com/posts/someone_ecg-activity-1", "other"),
        ("https://www.geekymedics.com/cardiovascular-examination/", "article"),
        ("https://example.org/lecture.mp4", "video"),
    ],
)
def test_kind_is_inferred_with_article_as_the_default(url: str, kind: str) -> None:
    assert infer_kind(url) == kind
    assert kind in KINDS


def test_kinds_are_the_documented_choices() -> None:
    expected = ("video", "article", "wiki", "blog", "podcast", "tweetorial", "infographic")
    assert (*expected, "other") == KINDS


def test_inference_refuses_invalid_urls_too() -> None:
    with pytest.raises(InvalidURL):
        infer_platform("ftp://example.org/")
    with pytest.raises(InvalidURL):
        infer_kind("not a link")


# --- Properties over generated URLs -------------------------------------------------------

_LABEL = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True).filter(
    lambda label: label not in {"www", "m", "mobile"}
)
_HOSTS = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(_LABEL, min_size=1, max_size=3),
    st.sampled_from(["com", "org", "net", "co.uk", "edu", "io"]),
)
# No spaces: surrounding whitespace is stripped from input, so a trailing one would vanish.
_PATH_CHARS = "abcXYZ019-._~!$&'()*+,;=:@%é%2F%7e%41%20"
_SEGMENTS = st.one_of(st.text(alphabet=_PATH_CHARS, max_size=8), st.sampled_from([".", ".."]))
_PATHS = st.lists(_SEGMENTS, max_size=4).map(lambda segments: "/" + "/".join(segments))
_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,5}", fullmatch=True).filter(
    lambda name: name not in TRACKING and not name.startswith("utm_")
)
_VALUES = st.text(alphabet="abc019-._~%+=/:é%20", max_size=6)
_PARAMS = st.lists(st.tuples(_NAMES, _VALUES), max_size=4)
_TRACKERS = st.lists(st.tuples(st.sampled_from(TRACKING), _VALUES), min_size=1, max_size=3)


def _url(scheme: str, host: str, path: str, params: list[tuple[str, str]]) -> str:
    query = "&".join(f"{name}={value}" for name, value in params)
    return f"{scheme}://{host}{path}" + (f"?{query}" if query else "")


_MESSY_URLS = st.builds(
    lambda scheme, userinfo, prefix, host, port, path, params, fragment: (
        f"{scheme}://{userinfo}{prefix}{host}{port}{path}"
        + ("?" + "&".join(f"{n}={v}" for n, v in params) if params else "")
        + fragment
    ),
    st.sampled_from(["http", "https", "HTTP", "HtTpS"]),
    st.sampled_from(["", "user@", "user:pw@"]),
    st.sampled_from(["", "www.", "m.", "WWW.", "mobile.", "www.m."]),
    _HOSTS.map(lambda host: host.upper() if len(host) % 2 else host),
    st.sampled_from(["", ":80", ":443", ":8080"]),
    _PATHS,
    st.lists(st.tuples(st.one_of(_NAMES, st.sampled_from(TRACKING)), _VALUES), max_size=5),
    st.sampled_from(["", "#", "#frag", "#t=30"]),
)


@settings(max_examples=200)
@given(_MESSY_URLS)
def test_normalising_twice_changes_nothing(url: str) -> None:
    once = normalise_url(url)
    assert normalise_url(once) == once


@settings(max_examples=200)
@given(_MESSY_URLS)
def test_output_is_https_and_parses_back_with_a_host(url: str) -> None:
    result = normalise_url(url)
    parts = urlsplit(result)
    assert result.startswith("https://")
    assert parts.hostname
    assert not parts.fragment
    assert not parts.hostname.startswith("www.")
    assert infer_kind(result) in KINDS


@settings(max_examples=200)
@given(
    host=_HOSTS,
    path=_PATHS,
    params=_PARAMS,
    trackers=_TRACKERS,
    positions=st.lists(st.integers(min_value=0), min_size=3, max_size=3),
)
def test_tracking_params_trailing_slash_and_http_never_change_the_result(
    host: str,
    path: str,
    params: list[tuple[str, str]],
    trackers: list[tuple[str, str]],
    positions: list[int],
) -> None:
    expected = normalise_url(_url("https", host, path, params))
    tracked = list(params)
    for tracker, position in zip(trackers, positions, strict=False):
        tracked.insert(position % (len(tracked) + 1), tracker)
    assert normalise_url(_url("https", host, path, tracked)) == expected
    assert normalise_url(_url("https", host, path + "/", params)) == expected
    assert normalise_url(_url("http", host, path, params)) == expected
    assert normalise_url(_url("http", host, path + "/", tracked)) == expected


def _returns_text_or_refuses(text: str) -> None:
    try:
        result = normalise_url(text)
    except InvalidURL as error:
        assert str(error)
        return
    assert result.startswith("https://")
    assert normalise_url(result) == result


@settings(max_examples=200)
@given(st.text())
def test_arbitrary_text_is_normalised_or_refused_never_crashes(text: str) -> None:
    _returns_text_or_refuses(text)


@settings(max_examples=200)
@given(st.sampled_from(["http://", "https://", "https://www.", "HTTP://m."]), st.text())
def test_arbitrary_text_after_a_scheme_is_normalised_or_refused(scheme: str, rest: str) -> None:
    _returns_text_or_refuses(scheme + rest)


def test_wikipedia_ignores_the_case_of_the_first_letter() -> None:
    assert normalise_url("https://en.wikipedia.org/wiki/heart_failure") == normalise_url(
        "https://en.m.wikipedia.org/wiki/Heart failure"
    )
