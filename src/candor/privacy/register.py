"""The processing register: the types of the data map, and the map gathered from every app (C15, C18).

Each app's `datamap.py` holds a `DATAMAP` tuple of `Table` declarations. Each field says what kind of data
it is (a fideslang category), who may see it, why it is kept, for how long, and what a subject-access
export and an erasure do with it. The system check in `privacy/checks.py` fails `manage.py check` when a
model field is undeclared or a declaration names a field that does not exist, so the map cannot drift
from the schema. The public page /privacy/data, `candor datamap` and its fideslang export are all
generated from these declarations: documentation and behaviour read the same source.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from types import ModuleType

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class Visibility(enum.StrEnum):
    PUBLIC = "public"  # anyone, without an account
    OWNER = "owner"  # the person it is about, and nobody else through the site
    PRIVATE = "private"  # privileged roles only, through privacy.access, with a reason, on the record
    SECRET = "secret"  # noqa: S105 - a visibility, not a password: never shown to anyone (a hash, a key)


VISIBILITY_WORDS = {
    Visibility.PUBLIC: _("Everyone"),
    Visibility.OWNER: _("Only you"),
    Visibility.PRIVATE: _("Only people with a privileged role, for a stated reason, on the record"),
    Visibility.SECRET: _("Nobody: it is never shown"),
}


class LegalBasis(enum.StrEnum):
    """The grounds the policy gives for using information (C19): "to manage our relationship with you,
    because we have a legitimate interest and/or to comply with our legal obligations", and consent where it
    asks for it. Each declaration names one; the system check refuses a field without (privacy.E011)."""

    CONSENT = "consent"  # the person chose it and can withdraw it (news mail, surveys, sharing)
    CONTRACT = "contract"  # needed for what the person asked for: an account, an edit, a copy of their data
    LEGITIMATE_INTEREST = "legitimate_interest"  # running the wiki safely: abuse, security, oversight
    LEGAL_OBLIGATION = "legal_obligation"  # the law requires it: legal demands, holds, proof of consent


BASIS_WORDS = {
    LegalBasis.CONSENT: _("Your consent, which you can withdraw"),
    LegalBasis.CONTRACT: _("Needed for what you asked for (your account, your edits, your requests)"),
    LegalBasis.LEGITIMATE_INTEREST: _("Our legitimate interest in running the wiki safely"),
    LegalBasis.LEGAL_OBLIGATION: _("A legal obligation"),
}

# fideslang's names for them (LegalBasisForProcessingEnum), for the export's privacy declarations.
FIDESLANG_BASIS = {
    LegalBasis.CONSENT: "Consent",
    LegalBasis.CONTRACT: "Contract",
    LegalBasis.LEGITIMATE_INTEREST: "Legitimate interests",
    LegalBasis.LEGAL_OBLIGATION: "Legal obligations",
}


class Export(enum.StrEnum):
    INCLUDE = "include"  # in the person's own copy of their data
    OMIT = "omit"  # not theirs (another person's data) or meaningless to them
    PUBLIC_ALREADY = "public"  # public anyway; the export links to it instead of copying it


class Erasure(enum.StrEnum):
    DELETE = "delete"  # removed on request
    CLEAR = "clear"  # emptied on request; the row stays for what else it holds
    KEEP_ATTRIBUTION = "keep"  # public contributions stay attributed (policy: "must be associated")
    NOT_PERSONAL = "n/a"  # holds nothing about a person


RULE_WORDS = {
    "forever": _("Kept permanently"),
    "until_changed": _("Until you change it"),
    "until_account_closed": _("As long as the account exists"),
    "until_expired": _("Until it expires"),
}


@dataclass(frozen=True)
class Retention:
    """How long a value is kept.

    `days` and `hours` windows are installation maxima. A window with a `key` can be shortened by the
    wiki's settings (CANDOR_RETENTION_DAYS, e.g. "request_metadata=30"), never lengthened (C01); the
    effective window is what the purge applies and what /privacy/data publishes (C104, C108).
    """

    rule: str  # "forever", "days", "hours", "until_changed", "until_account_closed", "until_expired"
    amount: int | None = None
    key: str | None = None

    @property
    def window(self) -> timedelta | None:
        """The effective window, or None for rules that are not a length of time."""
        if self.rule == "hours":
            return timedelta(hours=self.amount or 0)
        if self.rule != "days":
            return None
        shortened = settings.CANDOR_RETENTION_DAYS.get(self.key) if self.key else None
        return timedelta(days=min(self.amount or 0, shortened or self.amount or 0))

    def describe(self) -> str:
        if self.rule == "days":
            days = self.window.days
            return ngettext("Deleted after %(days)s day", "Deleted after %(days)s days", days) % {
                "days": days
            }
        if self.rule == "hours":
            hours = self.amount or 0
            return ngettext("Deleted after %(hours)s hour", "Deleted after %(hours)s hours", hours) % {
                "hours": hours
            }
        return str(RULE_WORDS[self.rule])


FOREVER = Retention("forever")
UNTIL_CHANGED = Retention("until_changed")
UNTIL_ACCOUNT_CLOSED = Retention("until_account_closed")
UNTIL_EXPIRED = Retention("until_expired")


def days(number: int, *, key: str | None = None) -> Retention:
    if number < 1:
        raise ValueError("a retention window is at least one day")
    return Retention("days", number, key)


def hours(number: int) -> Retention:
    if number < 1:
        raise ValueError("a retention window is at least one hour")
    return Retention("hours", number)


# The fideslang data categories Candor uses (all from fideslang's default taxonomy; a test proves it).
CATEGORIES = frozenset(
    {
        "system.operations",
        "user.account",
        "user.account.settings",
        "user.account.username",
        "user.authorization.credentials",
        "user.behavior",
        "user.behavior.search_history",
        "user.contact.email",
        "user.content.private",
        "user.content.public",
        "user.device",
        "user.device.cookie_id",
        "user.device.ip_address",
        "user.unique_id.pseudonymous",
    }
)


@dataclass(frozen=True)
class Field:
    category: str  # fideslang data category, e.g. "user.device.ip_address"
    visibility: Visibility
    purpose: str  # why it is kept, in words for the public page
    retention: Retention
    export: Export
    erasure: Erasure
    use: str = "essential.service"  # fideslang data use
    basis: LegalBasis | None = None  # its legal basis, when it differs from its table's (C19)


@dataclass(frozen=True)
class Expiry:
    """How the purge finds a table's expired rows: those whose `timestamp` is older than `retention`'s
    window (or, for UNTIL_EXPIRED, already in the past). `sealed`: the rows' private values are sealed under
    day keys, which the purge destroys first."""

    timestamp: str
    retention: Retention
    sealed: bool = False


@dataclass(frozen=True)
class Table:
    model: str  # "app_label.ModelName"
    description: str
    collected_when: str  # one of COLLECTION_POINTS
    fields: dict[str, Field] = field(default_factory=dict)
    expiry: Expiry | None = None  # rows are deleted by the retention purge; None: kept as the fields say
    # The ORM lookup path from a row to the account it is about ("user", "actor", "response__user"; "pk" for
    # the account itself), which subject-access exports and erasures follow (yourdata/datamap.py, C109,
    # C110). NOT_ONE_PERSON: the rows are about nobody, or about several people at once; None: undeclared,
    # which the system check refuses for a table holding owner-only or private personal fields.
    subject: str | None = None
    # The legal basis of its fields (C19), unless a field names its own. Required: the system check
    # (privacy.E011) fails for a field with neither.
    basis: LegalBasis | None = None

    def basis_of(self, name: str) -> LegalBasis | None:
        """The legal basis of the field `name`: its own, else its table's."""
        return self.fields[name].basis or self.basis


NOT_ONE_PERSON = ""


# The four occasions the policy names (C18), as headings of /privacy/data.
COLLECTION_POINTS = {
    "contributions": _("When you make public contributions"),
    "account": _("When you register an account or update your user page"),
    "use": _("When you use the site"),
    "messages": _("When you send us email, take part in a survey or give feedback"),
    "system": _("Records the software keeps for itself (nothing about you)"),
}


def not_personal(
    purpose: str, retention: Retention = FOREVER, visibility: Visibility = Visibility.PUBLIC
) -> Field:
    """A field that holds nothing about a person: an identifier, a counter, a piece of configuration.

    Its visibility and retention follow the row it belongs to (an id in a private table is private).
    """
    return Field("system.operations", visibility, purpose, retention, Export.OMIT, Erasure.NOT_PERSONAL)


def _datamap_modules() -> Iterator[ModuleType]:
    for config in apps.get_app_configs():
        name = f"{config.module.__name__}.datamap"
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def tables() -> Iterator[Table]:
    """Every declaration of every installed app that has a `datamap` module."""
    for module in _datamap_modules():
        yield from getattr(module, "DATAMAP", ())


def declaring_modules() -> dict[str, str]:
    """Which module declares each table ("accounts.User" -> "candor.accounts.datamap"), for messages."""
    return {
        table.model: module.__name__
        for module in _datamap_modules()
        for table in getattr(module, "DATAMAP", ())
    }


def tables_about_a_person() -> Iterator[Table]:
    """The declarations whose rows are each about one account, with the path to it (`Table.subject`)."""
    return (table for table in tables() if table.subject)


def rows_about(table: Table, account_id: int):
    """The rows of `table` about the account `account_id`, following `table.subject`."""
    return apps.get_model(table.model).objects.filter(**{table.subject: account_id})


def own_data_templates() -> set[str]:
    """Templates that show a person their own data, or privileged roles nonpublic data behind the access
    gate (declared in the apps' datamaps as OWN_DATA_TEMPLATES and PRIVILEGED_TEMPLATES)."""
    return {
        name
        for module in _datamap_modules()
        for name in (*getattr(module, "OWN_DATA_TEMPLATES", ()), *getattr(module, "PRIVILEGED_TEMPLATES", ()))
    }


def retention_keys() -> dict[str, int]:
    """Every shortenable window: its key and its installation maximum in days."""
    maxima: dict[str, int] = {}
    for table in tables():
        for declared in table.fields.values():
            retention = declared.retention
            if retention.key:
                maxima[retention.key] = min(maxima.get(retention.key, retention.amount), retention.amount)
    return maxima


def validate_retention_settings(configured: dict[str, int]) -> None:
    """Refuse a wiki setting that would lengthen a window, or that names no window (C01)."""
    maxima = retention_keys()
    for key, value in configured.items():
        if key not in maxima:
            known = ", ".join(sorted(maxima))
            raise ImproperlyConfigured(
                f"CANDOR_RETENTION_DAYS: there is no window called {key!r} (known: {known})."
            )
        if value > maxima[key]:
            raise ImproperlyConfigured(
                f"CANDOR_RETENTION_DAYS: {key}={value} is longer than this installation's maximum of "
                f"{maxima[key]} days. A wiki may shorten a retention window, never lengthen it."
            )
