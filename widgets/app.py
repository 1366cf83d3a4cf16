"""The learner dashboard: sign in, then the catalogue, a resource's page or the add form.

Built in two steps because ``appraise serve`` preheats kernels: Voila runs the notebook before
any learner asks for it. :meth:`LearnerApp.from_environment` does the slow part then (imports,
opening the workbook, the first summary); :meth:`LearnerApp.start` waits for the learner's
request (``widgets.request.wait_for_request``), and only then reads who it is (JupyterHub's user,
or the remembered sign-in in the request's cookie) and which screen the link asked for (every
screen has its own address, see :mod:`widgets.router`). Nothing about the workbook's contents
becomes a widget before sign-in, because the browser receives the state of every widget the
kernel holds.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Mapping

import ipywidgets as W

from reviews.domain.errors import AppraiseError
from reviews.domain.hub import hub_mode
from reviews.workbook import Identified, Workbook
from widgets.add_resource import AddResource
from widgets.catalogue import Catalogue
from widgets.fields import close_tree
from widgets.format import esc
from widgets.listing import Listing
from widgets.resource_page import ResourcePage
from widgets.router import SCRIPT as ROUTER_SCRIPT
from widgets.router import Router, parse
from widgets.sign_in import REMEMBER_DAYS, SignIn, cookie_name, identify
from widgets.status import Status
from widgets.theme import stylesheet

# One of the page's two scripts (the other is widgets/router.py's), constants (no learner
# text). It copies the sign-in cookie the kernel prepares into the browser (kernels cannot
# set cookies), checking its characters, and scrolls to the top when a navigation button
# swaps the screen, so a phone does not land in the middle of the next page; it also caps
# each text field one character above its limit.
PAGE_SCRIPT = """
<script>
(function () {
  if (window.appraisePageScript) { return; }
  window.appraisePageScript = true;
  var NAME = /^[A-Za-z0-9-]{1,64}$/, VALUE = /^[A-Za-z0-9_.=-]{0,512}$/;
  function limits() {  // a field's limit + 1 as maxlength (see widgets/fields.py)
    document.querySelectorAll('[class*="appraise-limit-"]').forEach(function (el) {
      var found = /appraise-limit-([0-9]+)/.exec(el.className);
      el.querySelectorAll('input, textarea').forEach(function (input) {
        if (found) { input.maxLength = parseInt(found[1], 10) + 1; }
      });
    });
  }
  function sync() {
    limits();
    document.querySelectorAll('.appraise-remember [data-cookie]').forEach(function (el) {
      if (el.dataset.applied) { return; }
      el.dataset.applied = '1';
      var name = el.dataset.cookie, value = el.dataset.value || '';
      var age = parseInt(el.dataset.maxAge || '0', 10);
      if (!NAME.test(name) || !VALUE.test(value) || !(age >= 0)) { return; }
      var secure = location.protocol === 'https:' ? '; Secure' : '';
      document.cookie = name + '=' + value + '; Path=/; Max-Age=' + age +
        '; SameSite=Strict' + secure;
    });
  }
  new MutationObserver(sync).observe(document.body, {subtree: true, childList: true});
  document.addEventListener('click', function (event) {
    var nav = event.target.closest && event.target.closest('.appraise-nav');
    if (!nav) { return; }
    for (var el = nav; el; el = el.parentElement) {  // Voila scrolls #rendered_cells
      if (el.scrollTop > 0) { el.scrollTop = 0; }
    }
    window.scrollTo(0, 0);
  }, true);
})();
</script>
"""


class LearnerApp:
    """The whole dashboard for one browser tab."""

    def __init__(self, wb: Workbook, listing: Listing | None = None) -> None:
        self.wb = wb
        self.listing = listing or Listing(wb)
        self.user = ""
        self.hub = False
        self.status = Status()
        self.title = W.HTML(f"<h1>{esc(wb.config.title)}</h1>")
        self.who = W.HTML()
        self.sign_out = W.Button(description="Sign out")
        self.sign_out.add_class("appraise-sign-out")
        self.sign_out.on_click(self.status.guard(self._on_sign_out))
        self.user_bar = W.HBox([self.who, self.sign_out])
        self.user_bar.add_class("appraise-user")
        self.user_bar.layout.display = "none"
        self.remember = W.HTML()
        self.remember.add_class("appraise-remember")
        self.router = Router(self.status.guard(self.follow))
        self.wanted: dict[str, str] = {}  # the screen asked for before sign-in
        self.body = W.VBox([W.HTML("<p role='status'>Loading the workbook…</p>")])
        self.body.add_class("appraise-body")
        self.widget = W.VBox(
            [stylesheet(), self.title, self.user_bar, self.status.widget, self.body, self.remember,
             self.router.widget]
        )  # fmt: skip
        self.widget.add_class("appraise-app")
        self.sign_in: SignIn | None = None
        self.catalogue: Catalogue | None = None
        self.page: ResourcePage | None = None
        self.adder: AddResource | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> LearnerApp | Unavailable:
        """The app for the workbook in ``APPRAISE_WORKBOOK``, or a page saying what is wrong."""
        return open_from_environment(cls, environ)  # type: ignore[return-value]

    def show(self) -> None:
        """Display the page script and the app (the last lines of the notebook's first cell)."""
        from IPython.display import HTML, display

        display(HTML(PAGE_SCRIPT + ROUTER_SCRIPT))
        display(self.widget)

    def start(
        self,
        environ: Mapping[str, str] | None = None,
        wait: Callable[[], object] | None = None,
    ) -> None:
        """Wait for the learner's request, then sign them in or ask who they are."""
        self.status.guard(self._start)(environ, wait)

    def _start(self, environ: Mapping[str, str] | None, wait: Callable[[], object] | None) -> None:
        if wait is None:
            from widgets.request import wait_for_request  # not voila.utils: 43 MB lighter

            wait = wait_for_request
        wait()
        env = os.environ if environ is None else environ
        self.wanted = self.router.start(env.get("QUERY_STRING", ""))
        self.hub = bool(env.get("JUPYTERHUB_USER", "").strip()) or hub_mode(env)
        who = identify(self.wb, env)
        if who is not None:
            self.enter(who.name, remember=False, how=who.how, remembered=who.remembered)
        else:
            self.ask_who()

    # -- who --------------------------------------------------------------------------------

    def ask_who(self) -> None:
        self.sign_in = SignIn(
            self.wb, lambda name, keep: self.enter(name, keep, how=self._form_how())
        )
        self.user_bar.layout.display = "none"
        self.body.children = [self.sign_in.widget]

    def _form_how(self) -> str:
        return self.sign_in.how if self.sign_in is not None else ""

    def enter(
        self,
        user: str,
        remember: bool,
        resource_id: str = "",
        how: str = "join code",
        remembered: bool = False,
    ) -> None:
        """Build the learner's screens and open the screen the address asked for (the
        catalogue, a resource, the add form), or ``resource_id``. ``how`` the user was
        identified goes to the audit log for a tutor."""
        self.user = user
        self.wb.record_sign_in(Identified(user, how, remembered), "learner")
        if self.sign_in is not None:
            close_tree(self.sign_in.widget)
            self.sign_in = None
        token = self.wb.session_token(Identified(user, how)) if remember else None
        if token is not None:
            self._cookie(token, REMEMBER_DAYS * 86400)
        self.listing.refresh(user)  # also catches up with a kernel's wait in the pool
        # Only the first screen is built now: every widget in the kernel is sent to the page
        # when it connects, so the others are built when first needed.
        self.catalogue = Catalogue(
            self.listing, self.open, self.show_add, on_query=self._catalogue_changed
        )
        self.page = self.adder = None
        self._show_who()
        wanted = {"resource": resource_id} if resource_id else self.wanted
        self.follow(wanted, replace=True)

    def follow(self, params: dict[str, str], replace: bool = False) -> None:
        """Show the screen an address describes (Back, Forward, a copied link); before
        sign-in, remember it for afterwards."""
        if self.catalogue is None:
            self.wanted = params
            return
        resource_id = params.get("resource", "")
        if resource_id and self.listing.row(resource_id) is not None:
            self.open(resource_id, replace=replace)
        elif params.get("screen") == "add":
            self.show_add(replace=replace)
        else:
            self.catalogue.apply(params)
            self.show_catalogue(replace=replace)

    def _show_who(self) -> None:
        shown = self.wb.pseudonyms().get(self.user)
        if self.wb.is_tutor(self.user):
            seen = "you are shown as a tutor"
        elif shown:
            seen = f"classmates see you as {shown}"
        else:
            seen = "classmates will see you as a numbered reviewer"
        self.who.value = (
            f"<p>Signed in as <b>{esc(self.user)}</b> <span class='appraise-hint'>"
            f"({esc(seen)})</span></p>"
        )
        self.sign_out.layout.display = "none" if self.hub else None
        self.user_bar.layout.display = None

    def _cookie(self, value: str, max_age: int) -> None:
        """Hand the page script a cookie to set (see PAGE_SCRIPT); values are base64url."""
        self.remember.value = (
            f"<span data-cookie='{esc(cookie_name(self.wb))}' data-value='{esc(value)}' "
            f"data-max-age='{max_age}'></span>"
        )

    def _on_sign_out(self, _: W.Button) -> None:
        self._cookie("", 0)
        self.user = ""
        for screen in (self.catalogue, self.page, self.adder):
            if screen is not None:
                close_tree(screen.widget)
        self.catalogue = self.page = self.adder = None
        self.wanted = parse(self.router.current)  # the same screen after signing in again
        self.status.info("You are signed out on this device.")
        self.ask_who()

    # -- where ------------------------------------------------------------------------------

    def show_catalogue(self, replace: bool = False) -> None:
        assert self.catalogue is not None
        self.status.clear()
        self.catalogue.refresh()
        self.body.children = [self.catalogue.widget]
        self.router.push(self.catalogue.state(), replace)

    def _catalogue_changed(self) -> None:
        """A new search, filter, sort or page: the same history entry, a new address."""
        if self.catalogue is not None and self.body.children == (self.catalogue.widget,):
            self.router.push(self.catalogue.state(), replace=True)

    def open(self, resource_id: str, replace: bool = False) -> None:
        if self.page is None:
            self.page = ResourcePage(self.wb, self.listing, self.user, self.show_catalogue)
        self.status.clear()
        self.page.show(resource_id)
        self.body.children = [self.page.widget]
        self.router.push({"resource": resource_id}, replace)

    def show_add(self, replace: bool = False) -> None:
        if self.adder is None:
            self.adder = AddResource(self.wb, self.user, self._added, self.show_catalogue)
        self.status.clear()
        self.adder.reset()
        self.body.children = [self.adder.widget]
        self.router.push({"screen": "add"}, replace)

    def _added(self, resource_id: str, already_there: bool) -> None:
        self.listing.refresh()
        self.open(resource_id)
        if already_there:
            self.status.info("That link is already in the catalogue: here it is.")
        else:
            self.status.success("Added to the catalogue. You can review it now.")


class Unavailable:
    """What the page shows when there is no workbook to show; same interface as the app."""

    def __init__(self, message: str) -> None:
        self.message = message
        self.widget = W.HTML(
            f"<div role='alert' class='appraise-message appraise-error'>{esc(message)}</div>"
        )
        self.widget.add_class("appraise-unavailable")

    def show(self) -> None:
        from IPython.display import display

        display(self.widget)

    def start(self, environ: Mapping[str, str] | None = None, wait: object = None) -> None:
        """Nothing to wait for: the message is already on the page."""


def open_from_environment(
    build: Callable[[Workbook], object], environ: Mapping[str, str] | None = None
) -> object:
    """``build(workbook)`` for ``APPRAISE_WORKBOOK``, or an :class:`Unavailable` page."""
    env = os.environ if environ is None else environ
    location = env.get("APPRAISE_WORKBOOK")
    if not location:
        return Unavailable(
            "No workbook is set: start the dashboards with "
            "`appraise serve --workbook DIR` (or set APPRAISE_WORKBOOK)."
        )
    try:
        return build(Workbook.open(location))
    except AppraiseError as exc:
        return Unavailable(f"The workbook cannot be opened: {exc}")
    except Exception as exc:  # a bug: say so on the page, leave the details in the log
        traceback.print_exception(exc, file=sys.__stderr__)
        return Unavailable(
            "The dashboard could not start because of a problem on our side. Please tell "
            "your tutor; the details are in the log of `appraise serve`."
        )
