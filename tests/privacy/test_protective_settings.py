"""C01: a wiki's settings may add protections, never weaken them. Each privacy setting has a protective bound
in settings.py; start-up with a value past it stops with a message naming the setting, and a value inside
it (stricter) is taken."""

import runpy

import pytest
from django.core.exceptions import ImproperlyConfigured

import candor.settings

BOUNDS = {
    "CANDOR_PASSWORD_RESET_SECONDS": ("PASSWORD_RESET_TIMEOUT", 3600),
    "CANDOR_EXPORT_LINK_HOURS": ("CANDOR_EXPORT_LINK_HOURS", 48),
    "CANDOR_SECOND_FACTOR_MINUTES": ("CANDOR_SECOND_FACTOR_MINUTES", 30),
    # GDPR Art. 12(3): one month from receipt; 28 days is the longest fixed count never later than that.
    "CANDOR_REQUEST_DUE_DAYS": ("CANDOR_REQUEST_DUE_DAYS", 28),
    "CANDOR_EMAIL_VERIFICATION_HOURS": ("CANDOR_EMAIL_VERIFICATION_HOURS", 24),
}


def _start_up(monkeypatch, tmp_path, **environment) -> dict:
    """Evaluate the settings module as start-up does, under `environment`."""
    monkeypatch.setenv("SECRET_KEY", "a-key-for-this-test-only")
    monkeypatch.setenv("CANDOR_DATA_DIR", str(tmp_path))
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(candor.settings.__file__)


@pytest.mark.parametrize("variable", BOUNDS)
def test_start_up_refuses_a_privacy_setting_looser_than_its_bound(variable, monkeypatch, tmp_path):
    """C01: one past the bound stops start-up, naming the setting and saying it may only be stricter."""
    _, bound = BOUNDS[variable]

    with pytest.raises(ImproperlyConfigured) as refused:
        _start_up(monkeypatch, tmp_path, **{variable: str(bound + 1)})

    message = str(refused.value)
    assert message.startswith(f"{variable}={bound + 1} ")
    assert f"protective maximum, {bound}" in message and "stricter, never looser" in message


@pytest.mark.parametrize("variable", BOUNDS)
def test_a_privacy_setting_may_be_made_stricter_and_defaults_to_its_bound(variable, monkeypatch, tmp_path):
    """C01: the default is the protective bound itself; a shorter value is taken as given."""
    name, bound = BOUNDS[variable]

    assert _start_up(monkeypatch, tmp_path)[name] == bound
    assert _start_up(monkeypatch, tmp_path, **{variable: str(bound - 1)})[name] == bound - 1
