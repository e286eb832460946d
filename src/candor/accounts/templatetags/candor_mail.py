"""What every mail Candor sends says at its end (C101, C103)."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def privacy_contact() -> str:
    """The address to report a mail that asks for a password to (C103, C123)."""
    return settings.CANDOR_PRIVACY_CONTACT
