"""The classroom server: one Voila process for every dashboard, and its summariser.

``appraise serve`` runs ``python -m reviews.serving.server NOTEBOOKS_DIR [Voila options]``:
:class:`ClassroomVoila` is Voila serving the dashboards' folder, with three friendly paths
instead of Voila's directory listing:

    /            the learner dashboard   (notebooks/learner.ipynb)
    /tutor       the tutor dashboard     (notebooks/tutor.ipynb)
    /summaries   the class summaries     (notebooks/summaries.ipynb)

Only the learner dashboard has a pool of preheated kernels (the class opens it together);
tutors' pages start a kernel when asked for.

Two more things a classroom needs:

- **Closed tabs release their kernels.** Voila's page posts ``/voila/api/shutdown/<kernel>``
  when the tab closes, with the value of the ``_xsrf`` cookie, but Voila's page handler never
  sets that cookie, so the post was refused (``403 … '_xsrf' argument missing``) and the
  kernel lived on until culled. :class:`DashboardHandler` sets the cookie (Tornado's
  ``xsrf_token``) on every dashboard page, so the shutdown passes the XSRF check, which stays
  on.
- **The summariser** (:mod:`reviews.serving.summariser`) runs beside Voila for as long as the
  server does, keeping the catalogue snapshot fresh so learners' kernels stay small.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from jupyter_core.utils import ensure_async
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

ROUTES = {"/": "learner.ipynb", "/tutor": "tutor.ipynb", "/summaries": "summaries.ipynb"}


class DashboardHandler(TornadoVoilaHandler):  # type: ignore[misc]
    """A dashboard page that also sets the ``_xsrf`` cookie its shutdown call sends back."""

    async def prepare(self) -> None:
        await ensure_async(super().prepare())  # authenticates: the token needs the user
        self.xsrf_token  # noqa: B018  (reading it sets the cookie: Tornado's documented way)


class ClassroomVoila(Voila):  # type: ignore[misc]
    """Voila on the dashboards' folder, at the friendly paths of :data:`ROUTES`."""

    name = "appraise-voila"
    summariser: subprocess.Popen[bytes] | None = None

    def init_handlers(self) -> list[Any]:
        from jupyter_server.utils import url_path_join

        keep = []
        for handler in super().init_handlers():
            pattern, cls = handler[0], handler[1]
            if cls is TornadoVoilaTreeHandler or "/voila/render/" in pattern:
                continue  # no directory listing, no second address for a dashboard
            if pattern.endswith("/voila/api/contents(?P<path>(?:(?:/[^/]+)+|/?))"):
                continue
            keep.append(handler)
        routes = [
            (
                url_path_join(self.server_url, path) + ("" if path == "/" else "/?"),
                DashboardHandler,
                {
                    "notebook_path": notebook,
                    "template_paths": self.template_paths,
                    "config": self.config,
                    "voila_configuration": self.voila_configuration,
                },
            )
            for path, notebook in ROUTES.items()
        ]
        return routes + keep

    def start(self) -> None:
        workbook = os.environ.get("APPRAISE_WORKBOOK")
        if workbook:
            self.summariser = subprocess.Popen(
                [sys.executable, "-m", "reviews.serving.summariser", workbook]
            )
        try:
            super().start()
        finally:
            self.stop_summariser()

    def stop_summariser(self) -> None:
        if self.summariser is not None and self.summariser.poll() is None:
            self.summariser.terminate()
            try:
                self.summariser.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.summariser.kill()


def main() -> None:
    ClassroomVoila.launch_instance()


if __name__ == "__main__":
    main()
