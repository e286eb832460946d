"""What a disclosure can hold and how its package is built, for legal demands, emergency disclosures and
ownership transfers (C76-C85).

A package holds the account's own fields (never a secret one) and the addresses and browsers it used, read
through privacy.access (which logs the lookup); nothing else, and only for the accounts named.
"""

import json
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from candor.governance.workflow import GovernanceRefused
from candor.privacy import access, register
from candor.privacy.register import Visibility

ADDRESSES_FIELD = "privacy.PrivateEvent.sealed"


def packageable_fields() -> set[str]:
    """The data map fields a disclosure package can hold."""
    account = next(table for table in register.tables() if table.model == settings.AUTH_USER_MODEL)
    own = {
        f"{account.model}.{name}"
        for name, field in account.fields.items()
        if field.visibility != Visibility.SECRET
    }
    return own | {ADDRESSES_FIELD}


def field_list(fields: Iterable[str] | str) -> list[str]:
    if isinstance(fields, str):
        fields = fields.replace("\n", ",").split(",")
    names = sorted({name.strip() for name in fields if name.strip()})
    if not names:
        raise GovernanceRefused(_("Name the data asked for, as the data map names it (app.Model.field)."))
    unknown = set(names) - packageable_fields()
    if unknown:
        raise GovernanceRefused(
            _("Not something Candor can disclose: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    return names


def named_accounts(usernames: Iterable[str] | str) -> list:
    if isinstance(usernames, str):
        usernames = usernames.replace("\n", ",").split(",")
    names = {name.strip() for name in usernames if name.strip()}
    found = list(get_user_model().objects.filter(username__in=names))
    if missing := names - {user.username for user in found}:
        raise GovernanceRefused(_("No account is named %(names)s.") % {"names": ", ".join(sorted(missing))})
    return found


def package(actor, subjects, fields: list[str], reason: str) -> bytes:
    """The disclosed data as JSON: only `fields`, only for `subjects`."""
    own = [name.rsplit(".", 1)[1] for name in fields if name != ADDRESSES_FIELD]
    accounts = []
    for user in sorted(subjects, key=lambda user: user.pk):
        entry = {"account": user.pk, **{name: getattr(user, name) for name in own}}
        if ADDRESSES_FIELD in fields:
            entry["addresses"] = [
                {"ip": seen.ip, "user_agent": seen.user_agent, "first_seen": seen.first_seen,
                 "last_seen": seen.last_seen, "actions": seen.actions}
                for seen in access.reveal_account_addresses(actor, user, reason=reason)
            ]  # fmt: skip
        accounts.append(entry)
    return json.dumps({"fields": fields, "accounts": accounts}, default=str, indent=2).encode()
