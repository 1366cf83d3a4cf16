"""Who JupyterHub says is at the dashboard, as the kernel learns it.

Under ``appraise serve --hub`` (one shared Voila run as a hub service, or one Voila per learner
spawned by the hub) the server authenticates every request with the hub's OAuth (see
:mod:`reviews.serving.hub`) and then *overwrites* two request headers with what the hub said:
the user's name and their hub groups. Voila forwards those headers into the kernel's
environment (``VoilaConfiguration.http_header_envs``), where :func:`hub_user` reads them.

A browser can send any header it likes, so the kernel trusts these only when the *server*
process says it runs in hub mode (``APPRAISE_HUB=1``, set by the launcher): a request can put
``HTTP_*`` names into a kernel's environment, never ``APPRAISE_HUB``, and in hub mode the
server removes whatever the client sent under those header names before it authenticates.
Without hub mode the headers are not forwarded at all (``appraise serve`` forwards ``Cookie``
only), and a stray ``HTTP_X_APPRAISE_HUB_USER`` is ignored here as well.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from reviews.domain.errors import PermissionDenied

HUB_MODE_ENV = "APPRAISE_HUB"
USER_HEADER = "X-Appraise-Hub-User"
GROUPS_HEADER = "X-Appraise-Hub-Groups"


def header_env(header: str) -> str:
    """The environment variable Voila gives a forwarded header (``HTTP_`` + upper snake)."""
    return "HTTP_" + header.upper().replace("-", "_")


@dataclass(frozen=True)
class HubUser:
    """A user the hub authenticated: their hub name and the hub groups they belong to."""

    name: str
    groups: frozenset[str] = frozenset()


def hub_mode(environ: Mapping[str, str]) -> bool:
    """Is this kernel behind ``appraise serve --hub``?"""
    return environ.get(HUB_MODE_ENV, "") == "1"


def hub_user(environ: Mapping[str, str]) -> HubUser | None:
    """The hub user the server vouches for, None when not in hub mode.

    In hub mode a request without the server's headers cannot have been authenticated (the
    server refuses those before Voila runs), so it is refused here too rather than falling
    back to asking for a name.
    """
    if not hub_mode(environ):
        return None
    name = environ.get(header_env(USER_HEADER), "").strip()
    if not name:
        raise PermissionDenied(
            "JupyterHub did not say who you are; open this dashboard from the hub's home page"
        )
    try:
        groups = json.loads(environ.get(header_env(GROUPS_HEADER), "") or "[]")
    except ValueError:
        groups = []
    if not isinstance(groups, list):
        groups = []
    return HubUser(name, frozenset(g for g in groups if isinstance(g, str)))


def encode_groups(groups: object) -> str:
    """The groups header's value: a JSON list of the hub group names (strings only)."""
    names = groups if isinstance(groups, list) else []
    return json.dumps(sorted(g for g in names if isinstance(g, str)))
