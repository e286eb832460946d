"""C17, C53, C61: no third party receives anything: nothing is installed that is not on the allowed list of
distributions (so no advertising, analytics or tracking code arrives unnoticed), and the suite itself cannot
open a connection beyond this machine."""

import re
import socket
from importlib import metadata
from pathlib import Path

import pytest

from tests.steps import EgressRefused

ALLOWED = Path(__file__).with_name("allowed_distributions.txt")


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # PEP 503


def allowed_distributions() -> dict[str, str]:
    """The allow-list: each distribution Candor may have installed, with what it is for."""
    allowed = {}
    for number, line in enumerate(ALLOWED.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        name, _, reason = line.partition("#")
        assert name.strip() and reason.strip(), f"{ALLOWED.name}:{number}: write `name  # what it is for`"
        allowed[_normalised(name.strip())] = reason.strip()
    return allowed


def test_every_installed_distribution_is_on_the_allowed_list():
    """C17, C53, C61: no analytics, advertising or tracking library can arrive unnoticed: every installed
    distribution, including those a dependency pulls in, is on an allowed list kept in the repository, with
    what it is for, so that each new dependency is a decision someone wrote down."""
    installed = {_normalised(distribution.metadata["Name"]) for distribution in metadata.distributions()}

    unlisted = sorted(installed - allowed_distributions().keys())

    assert not unlisted, (
        f"Installed but not on the allowed list: {', '.join(unlisted)}. A dependency may be installed "
        "only if it sends nothing to a third party and tracks no one (no analytics, advertising, error or "
        "performance reporting service). If so, add a line `name  # what it is for` to "
        f"tests/privacy/{ALLOWED.name}, under the package that pulls it in; if not, remove it."
    )


def test_the_allowed_list_gives_a_reason_for_each_distribution():
    assert all(len(reason.split()) >= 2 for reason in allowed_distributions().values())
    assert {"django", "cryptography", "pytest"} <= allowed_distributions().keys()


def test_a_connection_beyond_this_machine_is_refused_during_tests():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe, pytest.raises(EgressRefused):
        probe.connect(("192.0.2.1", 80))  # a documentation address: it would go nowhere anyway
