"""Who the hub says is at the dashboard: trusted only in hub mode, refused when missing."""

from __future__ import annotations

import pytest

from reviews.domain.errors import PermissionDenied
from reviews.domain.hub import HubUser, encode_groups, header_env, hub_user

USER = header_env("X-Appraise-Hub-User")
GROUPS = header_env("X-Appraise-Hub-Groups")


def test_the_headers_become_voilas_environment_names() -> None:
    assert USER == "HTTP_X_APPRAISE_HUB_USER"
    assert GROUPS == "HTTP_X_APPRAISE_HUB_GROUPS"


def test_outside_hub_mode_the_headers_are_ignored() -> None:
    assert hub_user({USER: "tina", GROUPS: '["appraise-tutors"]'}) is None
    assert hub_user({"APPRAISE_HUB": "yes", USER: "tina"}) is None


def test_in_hub_mode_the_user_and_groups_come_from_the_servers_headers() -> None:
    env = {"APPRAISE_HUB": "1", USER: " ana ", GROUPS: encode_groups(["y2", "appraise-tutors"])}
    assert hub_user(env) == HubUser("ana", frozenset({"y2", "appraise-tutors"}))


@pytest.mark.parametrize("groups", ["", "not json", '{"a": 1}', "[1, null]"])
def test_unreadable_groups_mean_no_groups(groups: str) -> None:
    assert hub_user({"APPRAISE_HUB": "1", USER: "ana", GROUPS: groups}) == HubUser("ana")


def test_in_hub_mode_a_request_without_the_hub_user_is_refused_not_asked_for_a_name() -> None:
    with pytest.raises(PermissionDenied, match="open this dashboard from the hub"):
        hub_user({"APPRAISE_HUB": "1", "JUPYTERHUB_USER": "ana"})


def test_only_string_group_names_are_encoded() -> None:
    assert encode_groups(["b", 3, "a"]) == '["a", "b"]'
    assert encode_groups(None) == "[]"
