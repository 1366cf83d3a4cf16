"""The test hub: a real JupyterHub for tests/hub, configured by tests/support/hub.py.

Everything the run needs (ports, paths, users) comes in ``APPRAISE_TEST_HUB`` as JSON, so this
file stays a plain JupyterHub config that a person can read. The users sign in with their own
passwords through :class:`ClassAuthenticator` (JupyterHub's DummyAuthenticator password is
deprecated and would let anyone be anyone); ``appraise-tutors`` is the workbook's
``hub_tutor_group``. Everything listens on 127.0.0.1 only.
"""

import json
import os

from jupyterhub.auth import Authenticator

c = get_config()  # noqa: F821  (JupyterHub defines it when it runs this file)
run = json.loads(os.environ["APPRAISE_TEST_HUB"])


class ClassAuthenticator(Authenticator):
    """A user name and that user's password, from the test's settings."""

    async def authenticate(self, handler, data):
        if (
            data["username"] in run["passwords"]
            and run["passwords"][data["username"]] == data["password"]
        ):
            return data["username"]
        return None


c.JupyterHub.authenticator_class = ClassAuthenticator
c.Authenticator.allowed_users = set(run["passwords"])
c.JupyterHub.bind_url = f"http://127.0.0.1:{run['port']}/"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{run['hub_port']}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{run['proxy_api_port']}"
c.ConfigurableHTTPProxy.pid_file = os.path.join(run["dir"], "proxy.pid")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(run["dir"], "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(run["dir"], "cookie_secret")
c.JupyterHub.load_groups = {group: {"users": users} for group, users in run["groups"].items()}
# Learners may open the shared Appraise service (JupyterHub grants no service access by default).
c.JupyterHub.load_roles = [
    {"name": "user", "scopes": ["self", f"access:services!service={run['service']}"]}
]
c.JupyterHub.services = [
    {
        "name": run["service"],
        "url": f"http://127.0.0.1:{run['service_port']}",
        "command": run["command"],
        "environment": run["environment"],
        "oauth_no_confirm": True,
        # the user's own groups, so the service can tell a hub-group tutor
        "oauth_client_allowed_scopes": ["read:users:groups!user"],
    }
]
# One Voila per learner: each user's server is `appraise serve --hub` too (same user account
# as the hub here; a real hub uses the system users' LocalProcessSpawner or containers).
c.JupyterHub.spawner_class = "simple"
c.Spawner.cmd = run["command"]
# no preheated kernels on a one-person server: its only kernel starts when its owner arrives
c.Spawner.environment = run["environment"] | {"APPRAISE_KERNEL_POOL": "0"}
c.Spawner.default_url = "/"  # the learner dashboard (tutors: /tutor)
c.Spawner.oauth_client_allowed_scopes = ["read:users:groups!user"]  # hub_tutor_group
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 90
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(run["dir"], "home-{username}")
