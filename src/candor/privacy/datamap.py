"""The privacy engine's own tables, and the Django contrib tables Candor uses (auth, sessions, ...)."""

from candor.privacy.register import (
    FOREVER,
    NOT_ONE_PERSON,
    UNTIL_ACCOUNT_CLOSED,
    UNTIL_EXPIRED,
    Erasure,
    Expiry,
    Export,
    Field,
    LegalBasis,
    Table,
    Visibility,
    days,
    not_personal,
)

# Request metadata of recorded actions: at most 90 days, as Wikimedia's data retention guidelines set for
# IP addresses and user agents. A wiki may shorten it (CANDOR_RETENTION_DAYS=request_metadata=N).
REQUEST_METADATA = days(90, key="request_metadata")
CSP_REPORTS = days(30, key="csp_reports")
PURGE_REPORTS = days(365, key="purge_reports")
# The privileged-access log (C88) and the disclosure log (C76): two years, long enough for peers, the ombuds
# and an annual transparency report to review them; a wiki may shorten either.
PRIVILEGED_ACCESS_LOG = days(730, key="privileged_access_log")
DISCLOSURE_LOG = days(730, key="disclosure_log")


def _request_metadata(category: str, purpose: str) -> Field:
    return Field(
        category, Visibility.PRIVATE, purpose, REQUEST_METADATA, Export.INCLUDE, Erasure.DELETE,
        use="essential.service.security",
    )  # fmt: skip


def _oversight(category: str, purpose: str, retention) -> Field:
    """A record of privileged access: private, not in anyone's export, kept for oversight until it expires."""
    return Field(
        category, Visibility.PRIVATE, purpose, retention, Export.OMIT, Erasure.KEEP_ATTRIBUTION,
        use="essential.service.security",
    )  # fmt: skip


def _consent(category: str, purpose: str) -> Field:
    """A consent record: the person's own, kept as proof while the account exists, never changed."""
    return Field(
        category, Visibility.OWNER, purpose, UNTIL_ACCOUNT_CLOSED, Export.INCLUDE, Erasure.DELETE,
        use="essential.service",
    )  # fmt: skip


def _secret(category: str, purpose: str) -> Field:
    return Field(
        category, Visibility.SECRET, purpose, UNTIL_EXPIRED, Export.OMIT, Erasure.DELETE,
        use="essential.service.authentication",
    )  # fmt: skip


def _system(description: str, fields: dict[str, str], **options) -> dict:
    retention = options.pop("retention", FOREVER)
    visibility = options.pop("visibility", Visibility.PUBLIC)
    return {
        "description": description,
        "collected_when": "system",
        "fields": {name: not_personal(purpose, retention, visibility) for name, purpose in fields.items()},
        **options,
    }


def _contrib(model: str, description: str, names: tuple[str, ...]) -> Table:
    fields = {name: f"Django's {name} column." for name in names}
    return Table(model, basis=LegalBasis.LEGITIMATE_INTEREST, **_system(description, fields))


DATAMAP = (
    Table(
        model="privacy.PrivateEvent",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        subject="actor",
        description="The private record of an action (edit, signup, login, logout, account change)",
        collected_when="use",
        fields={
            "id": not_personal("Identifies the record.", REQUEST_METADATA, Visibility.PRIVATE),
            "event_type": _request_metadata("user.behavior", "What was done, to investigate abuse."),
            "at": _request_metadata("user.behavior", "When it was done."),
            "actor": _request_metadata(
                "user.unique_id.pseudonymous", "The account that did it, if logged in."
            ),
            "target": not_personal(
                "What it was done to (such as a revision).", REQUEST_METADATA, Visibility.PRIVATE
            ),
            "sealed_on": not_personal(
                "Which day's key seals the values.", REQUEST_METADATA, Visibility.PRIVATE
            ),
            "pair_digest": _request_metadata(
                "user.device.ip_address",
                "A digest of the address and browser pair under the day's key, to group records for a "
                "privileged lookup; useless once the day's key is destroyed.",
            ),
            "sealed": _request_metadata(
                "user.device.ip_address",
                "The address, browser (user agent) and proxy addresses (X-Forwarded-For) it came from, "
                "encrypted under the day's key: to fight vandalism and abuse.",
            ),
            "network_key": _request_metadata(
                "user.device.ip_address",
                "Digests of the address's networks and of the address under the day's key: finds records by "
                "address or range for a privileged lookup without storing the address; useless once the "
                "day's key is destroyed.",
            ),
        },
        expiry=Expiry("at", REQUEST_METADATA, sealed=True),
    ),
    Table(
        model="privacy.LegalHold",
        basis=LegalBasis.LEGAL_OBLIGATION,
        subject="actor",
        description="A legal hold: records the law requires us to keep past their retention window",
        collected_when="system",
        fields={
            "id": not_personal("Identifies the hold."),
            "model": not_personal("Which kind of record is held."),
            "actor": Field(
                "user.unique_id.pseudonymous",
                Visibility.PRIVATE,
                "The account whose records are held, if only one.",
                FOREVER,
                Export.OMIT,
                Erasure.KEEP_ATTRIBUTION,
                use="essential.legal_obligation",
            ),  # fmt: skip
            "records_from": not_personal("The first day of the records held."),
            "records_to": not_personal("The last day of the records held."),
            "reason": not_personal("Why the law requires it.", FOREVER, Visibility.PRIVATE),
            "starts_on": not_personal("When the hold begins."),
            "ends_on": not_personal("When the hold ends, and the records' retention resumes."),
            "placed_at": not_personal("When the hold was recorded."),
            "placed_by": not_personal("The operator who recorded it.", FOREVER, Visibility.PRIVATE),
        },
    ),
    Table(
        model="privacy.PurgeRun",
        basis=LegalBasis.LEGAL_OBLIGATION,
        **_system(
            "The report of a retention purge (counts only)",
            {
                "id": "Identifies the run.",
                "started_at": "When it started.",
                "finished_at": "When it finished.",
                "as_of": "The moment whose windows it applied.",
                "dry_run": "Whether it only counted.",
                "status": "Running or finished.",
                "counts": "How many records of each kind expired, were deleted or were held.",
            },
            retention=PURGE_REPORTS,
            visibility=Visibility.PRIVATE,
            expiry=Expiry("started_at", PURGE_REPORTS),
        ),
    ),
    Table(
        model="privacy.JobLock",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        **_system(
            "A lease that keeps two runs of a job apart",
            {
                "name": "The job.",
                "holder": "Which worker holds it.",
                "expires_at": "When the lease runs out.",
            },
            visibility=Visibility.PRIVATE,
        ),
    ),
    Table(
        model="privacy.CspReport",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        **_system(
            "A report of a page breaking the content security policy",
            {
                "id": "Identifies the report.",
                "at": "When it arrived.",
                "document_path": "Which page (its path only).",
                "directive": "Which rule was broken.",
                "blocked": "The origin of what was blocked.",
            },
            retention=CSP_REPORTS,
            visibility=Visibility.PRIVATE,
            expiry=Expiry("at", CSP_REPORTS),
        ),
    ),
    Table(
        model="privacy.BrowserSignalCount",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        **_system(
            "Daily totals of Do Not Track and Global Privacy Control signals",
            {
                "id": "Identifies the total.",
                "day": "The day counted.",
                "signal": "Which signal.",
                "requests": "How many requests carried it; nothing about any of them.",
            },
        ),
    ),
    Table(
        model="sessions.Session",
        basis=LegalBasis.CONTRACT,
        description="A login session",
        collected_when="use",
        fields={
            "session_key": _secret(
                "user.device.cookie_id", "Keeps you logged in; the key in your session cookie."
            ),
            "session_data": _secret("user.unique_id.pseudonymous", "Which account the session belongs to."),
            "expire_date": not_personal("When the session ends.", UNTIL_EXPIRED, Visibility.SECRET),
        },
        expiry=Expiry("expire_date", UNTIL_EXPIRED),
    ),
    _contrib("auth.Group", "Groups of permissions", ("id", "name", "permissions")),
    _contrib("auth.Permission", "Permissions", ("id", "name", "content_type", "codename")),
    _contrib("contenttypes.ContentType", "Model types", ("id", "app_label", "model")),
    # The privileged-access log and the disclosure log (privacy/audit.py, privacy/disclosure.py).
    Table(
        model="privacy.AccessLogEntry",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        subject="actor",
        description="The privileged-access log: each lookup of nonpublic information, and who may look",
        collected_when="use",
        fields={
            "id": not_personal("Identifies the entry.", PRIVILEGED_ACCESS_LOG, Visibility.PRIVATE),
            "at": _oversight("user.behavior", "When it happened.", PRIVILEGED_ACCESS_LOG),
            "actor": _oversight(
                "user.unique_id.pseudonymous",
                "The privileged user who acted, for peer oversight.",
                PRIVILEGED_ACCESS_LOG,
            ),  # fmt: skip
            "event_type": _oversight("user.behavior", "What was done.", PRIVILEGED_ACCESS_LOG),
            "target": _oversight(
                "user.device.ip_address",
                "What was looked at: an account, an address or a range.",
                PRIVILEGED_ACCESS_LOG,
            ),  # fmt: skip
            "reason": _oversight("user.content.private", "Why, in the user's words.", PRIVILEGED_ACCESS_LOG),
            "result_count": not_personal(
                "How many records the lookup returned.", PRIVILEGED_ACCESS_LOG, Visibility.PRIVATE
            ),
            "previous_hash": not_personal(
                "Links the entry to the one before it, so that no entry can be changed or removed unseen.",
                PRIVILEGED_ACCESS_LOG,
                Visibility.PRIVATE,
            ),  # fmt: skip
            "entry_hash": not_personal(
                "The entry's own link in that chain.", PRIVILEGED_ACCESS_LOG, Visibility.PRIVATE
            ),
        },
        expiry=Expiry("at", PRIVILEGED_ACCESS_LOG),
    ),
    Table(
        model="privacy.AuditChainHead",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        **_system(
            "The newest link of the privileged-access log's chain",
            {
                "id": "Identifies the (single) record.",
                "entry_id": "Which entry is the newest.",
                "entry_hash": "Its link in the chain.",
            },
            visibility=Visibility.PRIVATE,
        ),
    ),
    Table(
        model="privacy.AuditCheckpoint",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        **_system(
            "Links of the privileged-access log whose entries the retention purge deleted (no contents)",
            {
                "id": "Identifies the checkpoint.",
                "first_id": "The first deleted entry.",
                "last_id": "The last deleted entry.",
                "entries": "How many were deleted.",
                "previous_hash": "The link the first of them followed.",
                "entry_hash": "The link of the last of them.",
            },
            visibility=Visibility.PRIVATE,
        ),
    ),
    Table(
        model="privacy.Disclosure",
        basis=LegalBasis.LEGAL_OBLIGATION,
        subject=NOT_ONE_PERSON,  # the accounts are a list of ids; the operator is staff
        description="The disclosure log: each time nonpublic information was shared, on which basis and why",
        collected_when="use",
        fields={
            "id": not_personal("Identifies the disclosure.", DISCLOSURE_LOG, Visibility.PRIVATE),
            "at": not_personal("When it was disclosed.", DISCLOSURE_LOG, Visibility.PRIVATE),
            "operator": _oversight(
                "user.unique_id.pseudonymous", "The staff member or officer who disclosed it.", DISCLOSURE_LOG
            ),
            "basis": not_personal(
                "On which ground the policy allows it.", DISCLOSURE_LOG, Visibility.PRIVATE
            ),
            "protection_reason": not_personal(
                "For a protection disclosure, which kind.", DISCLOSURE_LOG, Visibility.PRIVATE
            ),
            "subjects": _oversight(
                "user.unique_id.pseudonymous", "Whose information it was.", DISCLOSURE_LOG
            ),
            "fields": not_personal(
                "Which kinds of information (names only).", DISCLOSURE_LOG, Visibility.PRIVATE
            ),
            "recipient": _oversight("user.content.private", "To whom it was disclosed.", DISCLOSURE_LOG),
            "justification": _oversight(
                "user.content.private", "Why, in the operator's words.", DISCLOSURE_LOG
            ),
            "legal_request_ref": not_personal(
                "The legal request it answered, if any.", DISCLOSURE_LOG, Visibility.PRIVATE
            ),
        },
        expiry=Expiry("at", DISCLOSURE_LOG),
    ),
    Table(
        model="privacy.Consent",
        basis=LegalBasis.LEGAL_OBLIGATION,
        subject="user",
        description="What you agreed to receive or allow, and when (news, surveys, watchlist email, ...)",
        collected_when="account",
        fields={
            "id": not_personal("Identifies the record.", UNTIL_ACCOUNT_CLOSED, Visibility.OWNER),
            "user": _consent("user.unique_id.pseudonymous", "Whose choice it is."),
            # A label from a closed list: the personal fact is whose choice it is and what they chose.
            "purpose": not_personal(
                "What the choice is about (news, surveys, ...).", UNTIL_ACCOUNT_CLOSED, Visibility.OWNER
            ),
            "granted": _consent("user.account.settings", "Whether you agreed or withdrew."),
            "at": _consent("user.account.settings", "When you chose, to prove the consent."),
            "notice_version": not_personal(
                "Which version of the notice you were shown.", UNTIL_ACCOUNT_CLOSED, Visibility.OWNER
            ),
            "notice_text": not_personal(
                "The exact notice you were shown.", UNTIL_ACCOUNT_CLOSED, Visibility.OWNER
            ),
        },
    ),
    Table(
        model="privacy.SharingPermission",
        basis=LegalBasis.CONSENT,
        subject="user",
        description="Your permissions to share information of yours with someone, for a purpose (C77)",
        collected_when="account",
        fields={
            "id": not_personal("Identifies the permission.", UNTIL_ACCOUNT_CLOSED, Visibility.OWNER),
            "user": _consent("user.unique_id.pseudonymous", "Whose permission it is."),
            "purpose": _consent(
                "user.account.settings", "What the information may be used for, in your words."
            ),
            "recipient": _consent("user.account.settings", "Who may receive it."),
            "fields": _consent("user.account.settings", "Which information may be shared."),
            "granted_at": _consent("user.account.settings", "When you gave the permission, to prove it."),
            "revoked_at": _consent(
                "user.account.settings", "When you took it back; nothing is shared after."
            ),
        },
    ),
    Table(
        model="privacy.ResearchAgreement",
        basis=LegalBasis.LEGAL_OBLIGATION,
        subject=NOT_ONE_PERSON,  # about a researcher and a legal officer, not about a person's own data
        description="An agreement under which a developer or researcher may receive nonpublic information",
        collected_when="system",
        fields={
            "id": not_personal("Identifies the agreement.", FOREVER, Visibility.PRIVATE),
            "researcher": _oversight(
                "user.content.private", "Who it is with: the recipient of the disclosures it allows.", FOREVER
            ),
            "purpose": not_personal("What the information may be used for.", FOREVER, Visibility.PRIVATE),
            "fields": not_personal("Which kinds of information (names only).", FOREVER, Visibility.PRIVATE),
            "starts_on": not_personal("From when it is in force.", FOREVER, Visibility.PRIVATE),
            "ends_on": not_personal("Until when it is in force.", FOREVER, Visibility.PRIVATE),
            "no_publication_clause": not_personal(
                "The researcher's promise to publish no personal information.", FOREVER, Visibility.PRIVATE
            ),
            "recorded_at": not_personal("When it was recorded.", FOREVER, Visibility.PRIVATE),
            "recorded_by": _oversight(
                "user.unique_id.pseudonymous", "The legal officer who recorded it.", FOREVER
            ),
        },
    ),
)
