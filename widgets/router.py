"""Every screen its own address: Back and Forward move between screens, a copied link opens
the same screen (after sign-in).

A screen is a few parameters in the page's query string (``?resource=res_…``, ``?screen=add``,
``?q=AF&sort=reviews``, ``?tab=audit``), relative to the page, so the same routes work
whatever path the dashboard is served under. The kernel cannot touch the browser's address,
and the browser's address reaches the kernel only once (``QUERY_STRING`` after
``voila.utils.wait_for_request``), so the two talk through two hidden widgets and
:data:`SCRIPT`, a constant:

- kernel → browser: :meth:`Router.push` writes ``<span data-route='?…' data-mode='push'>``
  into an HTML widget; the script sees the new element and calls ``history.pushState`` (or
  ``replaceState``, for a change within a screen such as a new search);
- browser → kernel: on ``popstate`` (Back, Forward) the script writes a counter and
  ``location.search`` into a hidden Text widget and fires ``change``, which ipywidgets syncs to
  the kernel; :class:`Router` calls ``on_route`` with the parameters.

Routes are checked on both sides: the script only applies a query string of URL-safe
characters, and the kernel only reads the parameters it knows (see :func:`parse`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import parse_qsl, urlencode

import ipywidgets as W

from widgets.format import esc

KNOWN = ("resource", "screen", "tab", "q", "sort", "kind", "topic", "verdict", "mine", "page")
MAX_VALUE = 300

SCRIPT = """
<script>
(function () {
  if (window.appraiseRouter) { return; }
  window.appraiseRouter = true;
  var SAFE = /^(\\?[A-Za-z0-9_.~%&=+*-]*)?$/, counter = 0;
  function apply() {
    document.querySelectorAll('.appraise-route [data-route]').forEach(function (el) {
      if (el.dataset.applied) { return; }
      el.dataset.applied = '1';
      var route = el.dataset.route || '';
      if (!SAFE.test(route) || route === location.search) { return; }
      var url = route || location.pathname;
      if (el.dataset.mode === 'replace') { history.replaceState(null, '', url); }
      else { history.pushState(null, '', url); }
    });
  }
  new MutationObserver(apply).observe(document.body, {subtree: true, childList: true});
  window.addEventListener('popstate', function () {
    var input = document.querySelector('.appraise-route-input input');
    if (!input) { return; }
    counter += 1;
    input.value = counter + ' ' + location.search;
    input.dispatchEvent(new Event('change', {bubbles: true}));
  });
})();
</script>
"""


def parse(query: str) -> dict[str, str]:
    """The known parameters of a query string (``?a=1&b=2`` or ``a=1&b=2``), first value wins."""
    out: dict[str, str] = {}
    for key, value in parse_qsl(query.lstrip("?"), keep_blank_values=False):
        if key in KNOWN and key not in out and len(value) <= MAX_VALUE:
            out[key] = value
    return out


def encode(params: Mapping[str, str]) -> str:
    """``?a=1&b=2`` in :data:`KNOWN` order without empty values; ``""`` for no parameters."""
    shown = [(k, params[k]) for k in KNOWN if params.get(k)]
    return "?" + urlencode(shown) if shown else ""


class Router:
    """The browser's address for one dashboard; ``on_route(params)`` on Back and Forward."""

    def __init__(self, on_route: Callable[[dict[str, str]], None]) -> None:
        self.on_route = on_route
        self.current = ""
        self._following = False
        self._count = 0
        self.input = W.Text(continuous_update=False, placeholder="")
        self.input.add_class("appraise-route-input")
        self.output = W.HTML()
        self.output.add_class("appraise-route")
        self.widget = W.Box([self.input, self.output])
        self.widget.add_class("appraise-router")
        self.widget.layout.display = "none"
        self.input.observe(self._on_browser, names="value")

    def start(self, query: str) -> dict[str, str]:
        """Take up the address the page was opened at; its known parameters."""
        params = parse(query)
        self.current = encode(params)
        return params

    def push(self, params: Mapping[str, str], replace: bool = False) -> None:
        """Show ``params`` in the address bar: a new history entry, or the same entry updated
        (``replace``; always while following the browser's own Back or Forward)."""
        route = encode(params)
        if route == self.current:
            return
        self.current = route
        self._count += 1
        mode = "replace" if replace or self._following else "push"
        self.output.value = (
            f"<span data-route='{esc(route)}' data-mode='{mode}' data-n='{self._count}'></span>"
        )

    def _on_browser(self, change: dict[str, object]) -> None:
        _, _, query = str(change["new"]).partition(" ")
        params = parse(query)
        self.current = encode(params)
        self._following = True
        try:
            self.on_route(params)
        finally:
            self._following = False
