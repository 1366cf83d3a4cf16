"""``appraise serve --hub``: the dashboards behind JupyterHub's OAuth, so the hub says who is who.

One launcher covers both ways a hub runs Appraise:

- **one shared Voila as a hub service** (``c.JupyterHub.services``): 300 learners, one server;
- **one Voila per learner** (``c.Spawner.cmd``): the hub spawns it as each user's server.

In both, JupyterHub starts the process with its usual environment (``JUPYTERHUB_API_TOKEN``,
``JUPYTERHUB_CLIENT_ID``, ``JUPYTERHUB_SERVICE_URL``, ``JUPYTERHUB_SERVICE_PREFIX``,
``JUPYTERHUB_OAUTH_ACCESS_SCOPES``...), and Voila runs with :class:`HubIdentityProvider` as its
Jupyter-server identity provider. For every request, that provider

1. removes the identity headers (:data:`reviews.domain.hub.USER_HEADER`, ``GROUPS_HEADER``)
   whatever the browser sent, so a client can never choose them;
2. asks the hub who the request's OAuth cookie (or token) belongs to with
   :class:`jupyterhub.services.auth.HubOAuth`, and whether that user holds the access scope the
   hub gave this server (``access:services!service=<name>`` or ``access:servers!server=<user>/``);
   a stranger is sent to the hub's login, a signed-in user without access gets 403;
3. writes the hub's answer (name, and groups when the service may read them) into those
   headers, which Voila forwards into the kernel's environment
   (``VoilaConfiguration.http_header_envs``), where :func:`reviews.domain.hub.hub_user` reads
   them. The kernel trusts them only because the server runs with ``APPRAISE_HUB=1``.

Tutors are the workbook's ``tutors`` or members of its ``hub_tutor_group``; the group list comes
from the hub's user model, so the hub must let the service read it (the
``read:users:groups!user`` scope in ``oauth_client_allowed_scopes``; see docs/deployment.md).

All dashboards are served from one Voila (the notebooks folder): the learner's at the prefix,
the tutors' at ``<prefix>tutor`` and the summaries at ``<prefix>summaries`` (redirects to Voila's
``voila/render/<name>.ipynb``).
"""

from __future__ import annotations

import contextlib
import os
import runpy
import signal
import subprocess
import sys
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

from jupyter_server.auth.identity import IdentityProvider, User
from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler
from tornado import web
from tornado.httputil import url_concat
from traitlets import Instance, default

from reviews.domain.errors import ValidationError
from reviews.domain.hub import GROUPS_HEADER, HUB_MODE_ENV, USER_HEADER, encode_groups
from reviews.serving.voila import (
    CULL_INTERVAL_S,
    KERNEL_MB,
    PATHS,
    notebooks_dir,
    pool_size,
    preheat_options,
)
from reviews.workbook import Workbook

HUB_ENV = ("JUPYTERHUB_API_TOKEN", "JUPYTERHUB_CLIENT_ID", "JUPYTERHUB_SERVICE_URL")


class HubIdentityProvider(IdentityProvider):  # type: ignore[misc]
    """Jupyter-server identity from JupyterHub's OAuth, copied into trusted request headers."""

    hub_auth = Instance(HubOAuth)

    @default("hub_auth")
    def _default_hub_auth(self) -> HubOAuth:
        return HubOAuth(parent=self)  # configured by the hub's JUPYTERHUB_* environment

    @property
    def auth_enabled(self) -> bool:
        return True

    async def get_user(self, handler: web.RequestHandler) -> User | None:
        headers = handler.request.headers
        for name in (USER_HEADER, GROUPS_HEADER):  # never what the client sent
            if name in headers:
                del headers[name]
        self._send_to_hub_login(handler)
        model = await self.hub_auth.get_user(handler, sync=False)
        if model is None:
            return None
        if not self.hub_auth.check_scopes(self.hub_auth.access_scopes, model):
            self.log.warning("hub user %s has no access to this server", model.get("name"))
            handler._appraise_refused = True  # type: ignore[attr-defined]
            return None
        headers[USER_HEADER] = str(model["name"])
        headers[GROUPS_HEADER] = encode_groups(model.get("groups"))
        return User(username=str(model["name"]))

    def _send_to_hub_login(self, handler: web.RequestHandler) -> None:
        """Make ``@web.authenticated`` redirect to the hub's OAuth login (with a state cookie
        that brings the user back here), or refuse a user who is signed in without access."""

        def get_login_url() -> str:
            if getattr(handler, "_appraise_refused", False):
                raise web.HTTPError(403, "your hub account has no access to this dashboard")
            cached: str | None = getattr(handler, "_appraise_login_url", None)
            if cached is not None:
                return cached
            params: dict[str, str] = {}
            state_args: dict[str, Any] = {"next_url": handler.request.uri}
            if getattr(self.hub_auth, "pkce_enabled", False):  # JupyterHub 6 and later
                verifier, challenge, method = self.hub_auth.generate_pkce_code_challenge()
                params |= {"code_challenge": challenge, "code_challenge_method": method}
                state_args["code_verifier"] = verifier
            params["state"] = self.hub_auth.set_state_cookie(handler, **state_args)
            url = str(url_concat(self.hub_auth.login_url, params))
            handler._appraise_login_url = url  # type: ignore[attr-defined]
            return url

        handler.get_login_url = get_login_url  # type: ignore[method-assign]

    def get_handlers(self) -> list[tuple[Any, ...]]:
        """The OAuth callback, sign-out, and the dashboards' short addresses (Voila adds these
        before its own handlers, so the prefix opens the learner dashboard)."""
        prefix = self.hub_auth.base_url.rstrip("/")
        routes: list[tuple[Any, ...]] = [
            (f"{prefix}/oauth_callback", OAuthCallback, {"hub_auth": self.hub_auth}),
            (f"{prefix}/logout", SignOut, {"hub_auth": self.hub_auth}),
        ]
        for dashboard in PATHS:
            path = f"{prefix}/?" if dashboard == "learner" else f"{prefix}/{dashboard}/?"
            target = f"{prefix}/voila/render/{dashboard}.ipynb"
            routes.append((path, DashboardRedirect, {"target": target}))
        return routes

    def validate_security(self, app: object, ssl_options: object = None) -> None:
        """No token or password to warn about: the hub authenticates."""


class OAuthCallback(HubOAuthCallbackHandler):  # type: ignore[misc]
    """Where the hub sends the browser back after login: stores the OAuth token cookie."""

    def initialize(self, hub_auth: HubOAuth) -> None:
        self.hub_auth = hub_auth


class SignOut(web.RequestHandler):
    """Forget this server's OAuth cookie and sign out of the hub too."""

    def initialize(self, hub_auth: HubOAuth) -> None:
        self.hub_auth = hub_auth

    def get(self) -> None:
        self.hub_auth.clear_cookie(self)
        self.redirect(self.hub_auth.hub_host + self.hub_auth.hub_prefix.rstrip("/") + "/logout")


class DashboardRedirect(web.RequestHandler):
    """``<prefix>tutor`` -> ``<prefix>voila/render/tutor.ipynb``, keeping the query string."""

    def initialize(self, target: str) -> None:
        self.target = target

    def get(self) -> None:
        query = self.request.query
        self.redirect(self.target + (f"?{query}" if query else ""))


def hub_address(environ: Mapping[str, str]) -> tuple[str, int, str]:
    """Host, port and URL prefix the hub chose for this server, from its environment."""
    missing = [name for name in HUB_ENV if not environ.get(name)]
    if missing:
        raise ValidationError(
            "appraise serve --hub must be started by JupyterHub (as a service or as the "
            f"single-user command; see docs/deployment.md): {', '.join(missing)} not set"
        )
    url = urlparse(environ["JUPYTERHUB_SERVICE_URL"])
    if not url.hostname or not url.port:
        raise ValidationError(
            f"JUPYTERHUB_SERVICE_URL must be like http://127.0.0.1:10101 "
            f"(got {environ['JUPYTERHUB_SERVICE_URL']!r}); set the service's 'url' in the hub"
        )
    prefix = environ.get("JUPYTERHUB_SERVICE_PREFIX") or url.path or "/"
    return url.hostname, url.port, "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"


#: Preheated kernels of the tutors' dashboard in hub mode: a tutor or two open it, not the class.
HUB_TUTOR_POOL = 1


def hub_pools(pool: int) -> dict[str, int]:
    """Preheated kernels per dashboard in hub mode: ``pool`` for the learners (the class that
    opens the link together), :data:`HUB_TUTOR_POOL` for the tutors' page (never more than
    ``pool``, so ``0`` turns preheating off everywhere), none for the summaries, which few open
    and which start in a few seconds without one (what ``appraise serve`` does too)."""
    return {"learner.ipynb": pool, "tutor.ipynb": min(pool, HUB_TUTOR_POOL)}


def hub_voila_command(host: str, port: int, prefix: str, cull_idle_timeout: int,
                      pool: int) -> list[str]:  # fmt: skip
    """Voila on the notebooks folder at ``prefix``, authenticated by the hub, the identity
    headers (and nothing else: no cookie with the OAuth token) forwarded to kernels, and the
    preheated kernels of :func:`hub_pools`."""
    return [
        sys.executable,
        "-m",
        __name__,  # Voila, stopping on the hub's SIGINT (see main)
        str(notebooks_dir()),
        f"--Voila.ip={host}",
        f"--port={port}",
        f"--Voila.base_url={prefix}",
        "--no-browser",
        "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--Voila.identity_provider_class={HubIdentityProvider.__module__}.HubIdentityProvider",
        f"--VoilaConfiguration.http_header_envs={USER_HEADER}",
        f"--VoilaConfiguration.http_header_envs={GROUPS_HEADER}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_S}",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_timeout}",
        "--MappingKernelManager.cull_connected=False",
        *preheat_options(hub_pools(pool)),
    ]


def serve_hub(wb: Workbook, cull_idle_timeout: int = 900, expect: int | None = None) -> None:
    """Replace this process with Voila serving ``wb``'s dashboards behind the hub's OAuth;
    ``expect`` sizes the learners' pool as for ``appraise serve`` (:func:`pool_size`)."""
    host, port, prefix = hub_address(os.environ)
    pools = hub_pools(pool_size(wb, expect))
    command = hub_voila_command(host, port, prefix, cull_idle_timeout, pools["learner.ipynb"])
    env = dict(os.environ, APPRAISE_WORKBOOK=str(wb.path.resolve()), **{HUB_MODE_ENV: "1"})
    group = wb.config.hub_tutor_group
    tutors = f"; hub group {group!r} are tutors" if group else ""
    print(
        f"Serving the dashboards of {wb.config.title!r} ({wb.path}) to JupyterHub users at "
        f"{prefix} (learners), {prefix}tutor, {prefix}summaries{tutors}.",
        f"Preheated kernels: {pools['learner.ipynb']} learner, {pools['tutor.ipynb']} tutor, "
        f"0 summaries (about {sum(pools.values()) * KERNEL_MB:,} MB).",
        sep="\n",
        flush=True,
    )
    os.execve(sys.executable, command, env)


def main() -> None:
    """Run Voila (``python -m reviews.serving.hub <voila arguments>``), stopping on SIGINT,
    with the summariser beside it as under ``appraise serve``.

    JupyterHub stops a service or a single-user server with SIGINT first; Voila stops only on
    SIGTERM (and ignored SIGINT here until the hub's SIGKILL, keeping a hub restart waiting),
    so SIGINT is turned into SIGTERM, which Voila handles by shutting its kernels down.
    The shared service (``JUPYTERHUB_SERVICE_NAME`` set by the hub) runs the summariser
    (:mod:`reviews.serving.summariser`), which keeps the catalogue snapshot fresh so learners'
    kernels never fit the quality model themselves; it stops with this process (it watches
    its parent) and is stopped here first when Voila returns. One server per learner does
    not: 300 standby summarisers would cost more than the one kernel each of them serves.
    """
    signal.signal(signal.SIGINT, lambda *_: os.kill(os.getpid(), signal.SIGTERM))
    workbook = os.environ.get("APPRAISE_WORKBOOK")
    summariser = (
        subprocess.Popen([sys.executable, "-m", "reviews.serving.summariser", workbook])
        if workbook and os.environ.get("JUPYTERHUB_SERVICE_NAME")
        else None
    )
    sys.argv[0] = "voila"
    try:
        runpy.run_module("voila", run_name="__main__", alter_sys=True)
    finally:
        if summariser is not None and summariser.poll() is None:
            summariser.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                summariser.wait(timeout=10)


if __name__ == "__main__":
    main()
