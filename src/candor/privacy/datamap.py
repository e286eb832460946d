"""The privacy engine's own tables, and the Django contrib tables Candor uses (auth, sessions, ...)."""

from candor.privacy.register import (
    UNTIL_EXPIRED,
    Erasure,
    Export,
    Field,
    Table,
    Visibility,
    days,
    not_personal,
)

# Request metadata of recorded actions: 90 days, as Wikimedia's data retention guidelines set for IP
# addresses and user agents.
REQUEST_METADATA_DAYS = 90
CSP_REPORT_DAYS = 30


def _request_metadata(category: str, purpose: str) -> Field:
    return Field(
        category,
        Visibility.PRIVATE,
        purpose,
        days(REQUEST_METADATA_DAYS),
        Export.INCLUDE,
        Erasure.DELETE,
        use="essential.service.security",
    )


def _contrib(model: str, description: str, names: tuple[str, ...]) -> Table:
    return Table(
        model, description, "system", {name: not_personal(f"Django's {name} column.") for name in names}
    )


DATAMAP = (
    Table(
        model="privacy.PrivateEvent",
        description="The private record of an action (edit, signup, login, logout, account change)",
        collected_when="use",
        fields={
            "id": not_personal("Identifies the record.", days(REQUEST_METADATA_DAYS), Visibility.PRIVATE),
            "event_type": _request_metadata("user.behavior", "What was done, to investigate abuse."),
            "at": _request_metadata("user.behavior", "When it was done."),
            "actor": _request_metadata(
                "user.unique_id.pseudonymous", "The account that did it, if logged in."
            ),
            "target": Field(
                "system.operations",
                Visibility.PRIVATE,
                "What it was done to (such as a revision number).",
                days(REQUEST_METADATA_DAYS),
                Export.INCLUDE,
                Erasure.DELETE,
            ),
            "ip": _request_metadata(
                "user.device.ip_address", "The address it came from: to fight vandalism and abuse."
            ),
            "user_agent": _request_metadata(
                "user.device", "The browser and system it came from: to fight vandalism and abuse."
            ),
            "forwarded_for": _request_metadata(
                "user.device.ip_address",
                "The addresses proxies reported for it: to fight vandalism and abuse.",
            ),
        },
    ),
    Table(
        model="privacy.CspReport",
        description="A report of a page breaking the content security policy",
        collected_when="system",
        fields={
            name: not_personal(purpose, days(CSP_REPORT_DAYS))
            for name, purpose in {
                "id": "Identifies the report.",
                "at": "When it arrived.",
                "document_path": "Which page (its path only).",
                "directive": "Which rule was broken.",
                "blocked": "The origin of what was blocked.",
            }.items()
        },
    ),
    Table(
        model="privacy.BrowserSignalCount",
        description="Daily totals of Do Not Track and Global Privacy Control signals",
        collected_when="system",
        fields={
            "id": not_personal("Identifies the total."),
            "day": not_personal("The day counted."),
            "signal": not_personal("Which signal."),
            "requests": not_personal("How many requests carried it; nothing about any of them."),
        },
    ),
    Table(
        model="sessions.Session",
        description="A login session",
        collected_when="use",
        fields={
            "session_key": Field(
                "user.device.cookie_id",
                Visibility.SECRET,
                "Keeps you logged in; the key in your session cookie.",
                UNTIL_EXPIRED,
                Export.OMIT,
                Erasure.DELETE,
                use="essential.service.authentication",
            ),
            "session_data": Field(
                "user.unique_id.pseudonymous",
                Visibility.SECRET,
                "Which account the session belongs to.",
                UNTIL_EXPIRED,
                Export.OMIT,
                Erasure.DELETE,
                use="essential.service.authentication",
            ),
            "expire_date": not_personal("When the session ends.", UNTIL_EXPIRED),
        },
    ),
    _contrib("auth.Group", "Groups of permissions", ("id", "name", "permissions")),
    _contrib("auth.Permission", "Permissions", ("id", "name", "content_type", "codename")),
    _contrib("contenttypes.ContentType", "Model types", ("id", "app_label", "model")),
)
