from candor.privacy.register import (
    FOREVER,
    UNTIL_ACCOUNT_CLOSED,
    UNTIL_CHANGED,
    UNTIL_EXPIRED,
    Erasure,
    Expiry,
    Export,
    Field,
    LegalBasis,
    Table,
    Visibility,
    hours,
    not_personal,
)

# Failed logins are counted over CANDOR_LOGIN_THROTTLE_MINUTES (15 by default); an hour covers any
# sensible throttle window, and the hourly purge removes them after it.
FAILED_LOGINS = hours(1)

# Templates that show or collect a person's own data, for that person only; every other template is public
# and may not read a private field (privacy/checks.py).
OWN_DATA_TEMPLATES = ("accounts/login.html", "accounts/preferences.html", "accounts/signup.html")
# Templates that show nonpublic data to privileged roles, behind privacy.access.gate.
PRIVILEGED_TEMPLATES = (
    "accounts/access_log.html",
    "accounts/checkuser.html",
    "accounts/temporary_account_reveal.html",
)

ROLES = Field(
    "user.account.settings", Visibility.PUBLIC, "Which privileged roles an account holds (public).",
    UNTIL_CHANGED, Export.INCLUDE, Erasure.KEEP_ATTRIBUTION,
)  # fmt: skip
SECOND_FACTOR = Field(
    "user.authorization.credentials", Visibility.SECRET, "The second factor of a privileged account.",
    UNTIL_CHANGED, Export.OMIT, Erasure.DELETE, use="essential.service.authentication",
)  # fmt: skip


def _block_log(category: str, purpose: str) -> Field:
    """A field of an account, address or range block: public in the block log, as in MediaWiki (C48)."""
    return Field(
        category, Visibility.PUBLIC, purpose, FOREVER, Export.PUBLIC_ALREADY, Erasure.KEEP_ATTRIBUTION,
        use="essential.service.security",
    )  # fmt: skip


def _autoblock(purpose: str) -> Field:
    return not_personal(purpose, UNTIL_EXPIRED)


DATAMAP = (
    Table(
        model="accounts.User",
        basis=LegalBasis.CONTRACT,
        subject="pk",
        description="Your account",
        collected_when="account",
        fields={
            "id": not_personal("Identifies the account inside the database."),
            "username": Field(
                "user.account.username",
                Visibility.PUBLIC,
                "Names you beside your contributions and in the public logs.",
                FOREVER,
                Export.INCLUDE,
                Erasure.KEEP_ATTRIBUTION,
            ),
            "username_skeleton": Field(
                "user.account.username",
                Visibility.SECRET,
                "Stops anyone from registering a name that looks like yours.",
                FOREVER,
                Export.OMIT,
                Erasure.KEEP_ATTRIBUTION,
            ),
            "password": Field(
                "user.authorization.credentials",
                Visibility.SECRET,
                "Checks that the account is yours; only a slow one-way hash (Argon2) is kept, "
                "never the password.",
                UNTIL_CHANGED,
                Export.OMIT,
                Erasure.DELETE,
                use="essential.service.authentication",
            ),
            "email": Field(
                "user.contact.email",
                Visibility.OWNER,
                "Optional. Lets you reset a forgotten password.",
                UNTIL_CHANGED,
                Export.INCLUDE,
                Erasure.DELETE,
                use="essential.service.authentication",
            ),
            "email_verified_at": Field(
                "user.contact.email",
                Visibility.OWNER,
                "When you confirmed your email address; no mail but the confirmation goes to it before.",
                UNTIL_CHANGED,
                Export.INCLUDE,
                Erasure.CLEAR,
                use="essential.service.authentication",
            ),
            "date_joined": Field(
                "user.account",
                Visibility.PUBLIC,
                "Shown in the public account-creation log.",
                FOREVER,
                Export.INCLUDE,
                Erasure.KEEP_ATTRIBUTION,
            ),
            "last_login": Field(
                "user.behavior",
                Visibility.PRIVATE,
                "Helps spot a hijacked account.",
                UNTIL_CHANGED,
                Export.INCLUDE,
                Erasure.CLEAR,
                use="essential.service.security",
            ),
            "is_active": Field(
                "user.account.settings",
                Visibility.PRIVATE,
                "Whether the account can log in.",
                UNTIL_ACCOUNT_CLOSED,
                Export.INCLUDE,
                Erasure.NOT_PERSONAL,
            ),
            "last_reset_mail_at": Field(
                "user.behavior",
                Visibility.PRIVATE,
                "Limits password-reset mail to one every ten minutes.",
                UNTIL_CHANGED,
                Export.INCLUDE,
                Erasure.CLEAR,
                use="essential.service.security",
            ),  # fmt: skip
            "accepts_user_email": Field(
                "user.account.settings",
                Visibility.OWNER,
                "Whether other users may email you through Candor; off unless you switch it on.",
                UNTIL_CHANGED,
                Export.INCLUDE,
                Erasure.CLEAR,
                use="functional.service",
                basis=LegalBasis.CONSENT,
            ),
            "time_zone": Field(
                "user.account.settings",
                Visibility.OWNER,
                "Shows times to you in your own time zone.",
                UNTIL_CHANGED,
                Export.INCLUDE,
                Erasure.CLEAR,
                use="functional.service",
            ),
            "language": Field(
                "user.account.settings",
                Visibility.OWNER,
                "Shows Candor, and writes its mail to you, in the language you chose (C57).",
                UNTIL_CHANGED,
                Export.INCLUDE,
                Erasure.CLEAR,
                use="functional.service",
                basis=LegalBasis.CONTRACT,
            ),
        },
    ),
    # Temporary accounts (issue 18, accounts/temporary.py): the browser's binding, deleted when it expires.
    Table(
        model="accounts.TemporaryAccount",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        subject="user",
        description="The binding of a temporary account to your browser",
        collected_when="contributions",
        fields={
            "id": not_personal("Identifies the binding.", UNTIL_EXPIRED, Visibility.PRIVATE),
            "user": Field(
                "user.account.username",
                Visibility.PUBLIC,
                "The temporary account (its name is public beside its edits).",
                UNTIL_EXPIRED,
                Export.INCLUDE,
                Erasure.KEEP_ATTRIBUTION,
            ),
            "browser_digest": Field(
                "user.unique_id.pseudonymous",
                Visibility.SECRET,
                "Recognises your browser's cookie, so that your next edits carry the same name; a keyed "
                "hash of the cookie's random code, never shown to anyone.",
                UNTIL_EXPIRED,
                Export.OMIT,
                Erasure.DELETE,
                use="essential.service.security",
            ),
            "created_at": not_personal(
                "When the temporary account was made.", UNTIL_EXPIRED, Visibility.PRIVATE
            ),
            "expires_at": not_personal(
                "When it expires (at most 90 days after), and this binding is deleted.",
                UNTIL_EXPIRED,
                Visibility.PRIVATE,
            ),
        },
        expiry=Expiry("expires_at", UNTIL_EXPIRED),
    ),
    Table(
        model="accounts.FailedLogin",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        description="A failed login",
        collected_when="use",
        fields={
            "id": not_personal("Identifies the record.", FAILED_LOGINS, Visibility.PRIVATE),
            "bucket": Field(
                "user.unique_id.pseudonymous",
                Visibility.SECRET,
                "Counts failed logins per name and per address to stop password guessing; a keyed hash, "
                "not the name or the address.",
                FAILED_LOGINS,
                Export.OMIT,
                Erasure.DELETE,
                use="essential.service.security",
            ),
            "at": not_personal("When the attempt failed.", FAILED_LOGINS, Visibility.PRIVATE),
        },
        expiry=Expiry("at", FAILED_LOGINS),
    ),
    # Privileged roles and the access-policy acceptances (models in privacy/roles.py).
    Table(
        model="privacy.RoleAssignment",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        subject="user",
        description="A privileged role",
        collected_when="account",
        fields={
            "id": not_personal("Identifies the grant."),
            "user": ROLES,
            "role": ROLES,
            "granted_at": ROLES,
        },
    ),
    Table(
        model="privacy.AccessPolicyAcceptance",
        basis=LegalBasis.CONTRACT,
        subject="user",
        description="Acceptance of the access-to-nonpublic-information policy",
        collected_when="account",
        fields={
            "id": not_personal("Identifies the acceptance.", UNTIL_CHANGED, Visibility.PRIVATE),
            "user": Field(
                "user.account.settings",
                Visibility.PRIVATE,
                "Who accepted the access policy.",
                UNTIL_ACCOUNT_CLOSED,
                Export.INCLUDE,
                Erasure.KEEP_ATTRIBUTION,
                use="essential.legal_obligation",
            ),  # fmt: skip
            "version": not_personal("Which version.", UNTIL_ACCOUNT_CLOSED, Visibility.PRIVATE),
            "accepted_at": not_personal("When.", UNTIL_ACCOUNT_CLOSED, Visibility.PRIVATE),
        },
    ),
    Table(
        model="otp_totp.TOTPDevice",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        subject="user",
        description="The authenticator of a privileged account (second factor)",
        collected_when="account",
        fields={
            name: SECOND_FACTOR
            for name in (
                "id",
                "user",
                "name",
                "confirmed",
                "created_at",
                "last_used_at",
                "throttling_failure_timestamp",
                "throttling_failure_count",
                "key",
                "step",
                "t0",
                "digits",
                "tolerance",
                "drift",
                "last_t",
            )
        },  # fmt: skip
    ),
    # Blocks (accounts/blocks.py, C48): explicit blocks are the public block log's record and are kept;
    # an autoblock holds a keyed hash of an address, never the address, and is deleted when it expires.
    Table(
        model="accounts.Block",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        subject="target_user",
        description="A block from editing, of an account, an IP address or a range",
        collected_when="contributions",
        fields={
            "id": not_personal("Identifies the block; shown to whoever it stops."),
            "target_user": _block_log("user.account.username", "The blocked account."),
            "network": _block_log("user.device.ip_address", "The blocked IP address or range."),
            "ip_version": not_personal("Whether the blocked address or range is IPv4 or IPv6."),
            "range_start": _block_log(
                "user.device.ip_address", "The first address of the blocked range, to match edits with."
            ),
            "range_end": _block_log(
                "user.device.ip_address", "The last address of the blocked range, to match edits with."
            ),
            "performer": _block_log("user.account.username", "The administrator who blocked."),
            "reason": _block_log("user.content.public", "Why, in the administrator's words."),
            "created_at": not_personal("When the block was made."),
            "expires_at": not_personal("When the block ends, if it does."),
            "autoblock": not_personal("Whether blocking the account also blocked the last address it used."),
            "applies_to_accounts": not_personal(
                "Whether an address block also stops logged-in accounts, not only logged-out edits."
            ),
            "lifted_at": not_personal("When the block was lifted, if it was."),
            "lifted_by": _block_log("user.account.username", "The administrator who lifted it."),
        },
    ),
    Table(
        model="accounts.Autoblock",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        description="An automatic block of the address a blocked account last used (shown as a number only)",
        collected_when="use",
        fields={
            "id": _autoblock("The number shown instead of the address, to whoever the autoblock stops."),
            "block": _autoblock("The account block that made it."),
            "address_hash": Field(
                "user.device.ip_address",
                Visibility.SECRET,
                "Recognises the address the blocked account last used, to stop edits from it for 24 hours; "
                "a keyed hash, never the address, and never shown to anyone.",
                UNTIL_EXPIRED,
                Export.OMIT,
                Erasure.DELETE,
                use="essential.service.security",
            ),
            "created_at": _autoblock("When it was made."),
            "expires_at": _autoblock("When it ends (at most 24 hours), and is deleted."),
        },
        expiry=Expiry("expires_at", UNTIL_EXPIRED),
    ),
)
