"""The two ways to install Appraise list the same packages; the CLI is wired up."""

from __future__ import annotations

import re
import tomllib

import yaml

from tests.conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_and_pyproject_list_the_same_packages() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {
        _name(r): r for r in project["dependencies"] + project["optional-dependencies"]["test"]
    }
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d): d for d in env["dependencies"] if isinstance(d, str)}
    conda.pop("python"), conda.pop("pip")
    assert sorted(conda) == sorted(wanted)
    for name, requirement in wanted.items():  # same version bounds, too (pip's extras such
        # as psycopg[binary] have no conda spelling: conda-forge's psycopg bundles libpq)
        bare = re.sub(r"\[.*?\]", "", requirement)
        assert conda[name].replace(" ", "") == bare.replace(" ", ""), name
    (pip,) = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    assert "-e ." in pip


def test_the_console_script_points_at_the_cli() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"] == {"appraise": "reviews.cli:main"}


def test_readme_shows_exactly_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make serve" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_reviews_never_imports_the_ui() -> None:
    for path in (ROOT / "reviews").rglob("*.py"):
        text = path.read_text()
        # reviews/serving/ runs the Voila server (a process around the dashboards): it may
        # build on Voila's server classes, never on the widgets.
        ui = "ipywidgets|widgets" if path.parent.name == "serving" else "ipywidgets|voila|widgets"
        assert not re.search(rf"^\s*(import|from) ({ui})\b", text, re.M), path
