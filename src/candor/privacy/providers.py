"""Service providers: who outside Candor receives personal data, what they receive, and under which agreement
(C92). /privacy/data lists them.

The only one Candor can have is the mail relay. Every mail leaves through it, so it receives each
recipient's address and each mail's subject and text, and nothing else of Candor's: the mail backend
hands it a message, never a request's address or browser. A relay named by a loopback address (127.0.0.1,
::1) runs on this machine, under the operator's own control, and is no provider. Any other relay is one, and
Candor hands it nothing until the agreement with it is recorded: CANDOR_MAIL_RELAY_AGREEMENT, the date of the
agreement on file (confidentiality, and protection no less than the policy's), with CANDOR_MAIL_RELAY_NAME,
who runs it. `AgreedRelayBackend`, the mail backend, refuses to connect otherwise, and the system check
privacy.E008 says so at deployment.
"""

import ipaddress
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends import smtp


@dataclass(frozen=True)
class Provider:
    name: str
    purpose: str
    receives: str  # what it is given, in words
    agreement_on: date | None  # the date of the agreement on file; None: there is none


def mail_relay() -> Provider | None:
    """The mail relay, if it is a service provider: if it is not on this machine."""
    if _is_loopback(settings.EMAIL_HOST):
        return None
    return Provider(
        name=settings.CANDOR_MAIL_RELAY_NAME or f"The mail relay at {settings.EMAIL_HOST}",
        purpose="Delivers Candor's email: confirmations, password resets, notices, mail you asked for.",
        receives="Each recipient's email address, and each mail's subject and text.",
        agreement_on=settings.CANDOR_MAIL_RELAY_AGREEMENT,
    )


def registry() -> list[Provider]:
    return [provider for provider in [mail_relay()] if provider is not None]


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: where it leads is not known here, so it counts as elsewhere


def relay_refusal() -> str | None:
    """Why Candor may not hand mail to the configured relay, or None when it may."""
    relay = mail_relay()
    if relay is None or relay.agreement_on is not None:
        return None
    return (
        f"The mail relay {settings.EMAIL_HOST!r} is not on this machine, and no agreement with it is "
        "recorded: Candor gives it no personal data. Record the agreement's date in "
        "CANDOR_MAIL_RELAY_AGREEMENT (and who runs the relay in CANDOR_MAIL_RELAY_NAME), or relay through "
        "this machine (CANDOR_EMAIL_HOST=127.0.0.1)."
    )


class AgreedRelayBackend(smtp.EmailBackend):
    """Django's SMTP backend, which connects only to a relay on this machine or one with a recorded
    agreement (C92)."""

    def open(self):
        problem = relay_refusal()
        if problem is not None:
            raise ImproperlyConfigured(problem)
        return super().open()
