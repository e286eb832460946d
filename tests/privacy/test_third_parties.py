"""C17, C53: no third party receives anything: no advertising, analytics or tracking code is installed, and
the suite itself cannot open a connection beyond this machine."""

import socket
from importlib import metadata

import pytest

from tests.steps import EgressRefused

# Client libraries of analytics, advertising, session-replay and marketing services.
TRACKING_PACKAGES = {
    "analytics-python",
    "segment-analytics-python",
    "mixpanel",
    "amplitude-analytics",
    "posthog",
    "google-analytics-data",
    "googleads",
    "facebook-business",
    "facebook-sdk",
    "hubspot-api-client",
    "mailchimp-marketing",
    "sendgrid",
    "sentry-sdk",
    "newrelic",
    "datadog",
    "ddtrace",
    "heap-analytics",
    "django-analytical",
    "django-google-analytics-app",
    "matomo",
    "pyplausible",
}


def test_no_tracking_or_marketing_package_is_installed():
    installed = {distribution.metadata["Name"].lower() for distribution in metadata.distributions()}

    assert not installed & TRACKING_PACKAGES


def test_a_connection_beyond_this_machine_is_refused_during_tests():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe, pytest.raises(EgressRefused):
        probe.connect(("192.0.2.1", 80))  # a documentation address: it would go nowhere anyway
