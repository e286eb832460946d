from candor.privacy.register import (
    FOREVER,
    UNTIL_ACCOUNT_CLOSED,
    UNTIL_CHANGED,
    Erasure,
    Expiry,
    Export,
    Field,
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
PRIVILEGED_TEMPLATES = ("accounts/access_log.html", "accounts/checkuser.html")

ROLES = Field(
    "user.account.settings", Visibility.PUBLIC, "Which privileged roles an account holds (public).",
    UNTIL_CHANGED, Export.INCLUDE, Erasure.KEEP_ATTRIBUTION,
)  # fmt: skip
SECOND_FACTOR = Field(
    "user.authorization.credentials", Visibility.SECRET, "The second factor of a privileged account.",
    UNTIL_CHANGED, Export.OMIT, Erasure.DELETE, use="essential.service.authentication",
)  # fmt: skip

DATAMAP = (
    Table(
        model="accounts.User",
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
            "time_zone": Field(
                "user.account.settings",
                Visibility.OWNER,
                "Shows times to you in your own time zone.",
                UNTIL_CHANGED,
                Export.INCLUDE,
                Erasure.CLEAR,
                use="functional.service",
            ),
        },
    ),
    Table(
        model="accounts.FailedLogin",
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
)
