"""The governance app's fields. Policy versions, announcements, transfer notices and comments are public;
the record of which versions an account used is its owner's; legal demands, emergency disclosures and
messages to the privacy contact are private, for legal officers, and leave with their retention windows."""

from candor.privacy.register import (
    FOREVER,
    NOT_ONE_PERSON,
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
    days,
    not_personal,
)

# A legal demand is kept for ten years: long enough for the limitation periods of the claims it can lead
# to, and for the transparency report's counts of the half-years it covers.
LEGAL_RECORDS = days(3650, key="legal_records")
# A question to the privacy contact is answered within weeks; a year covers any follow-up.
CONTACT_MESSAGES = days(365, key="privacy_contact")

PRIVILEGED_TEMPLATES = (
    "governance/legal.html",
    "governance/legal_demand.html",
    "governance/contact_messages.html",
)


def _public(purpose: str) -> Field:
    return not_personal(purpose)


def _legal(purpose: str, category: str = "user.content.private") -> Field:
    """Part of a legal record: legal officers only; kept against an erasure request, as the law needs it."""
    return Field(
        category, Visibility.PRIVATE, purpose, LEGAL_RECORDS, Export.OMIT, Erasure.KEEP_ATTRIBUTION,
        use="essential.legal_obligation",
    )  # fmt: skip


def _legal_note(purpose: str) -> Field:
    return not_personal(purpose, LEGAL_RECORDS, Visibility.PRIVATE)


_VERSION_FIELDS = {
    "id": _public("Identifies the version."),
    "number": _public("The version number, in its stable address."),
    "language": _public("The language of the original text (English, which prevails)."),
    "text": _public("The policy text."),
    "approved_on": _public("When it was approved."),
    "effective_on": _public("When it takes or took effect."),
    "kind": _public("Whether the change is substantial or minor."),
    "status": _public("Draft, open for comment, adopted or withdrawn."),
    "summary": _public("What the change is about."),
    "approved_by": _public("Who approved it."),
    "drafted_at": _public("When the draft was written."),
    "announced_at": _public("When the change was announced on the site and the announce list."),
    "comment_closes_on": _public("The first day on which comments are closed."),
    "adopted_at": _public("When it was adopted."),
    "withdrawn_at": _public("When it was withdrawn."),
    "notice_override": _public("Why a minor change had less than three days' notice."),
}

_DEMAND_FIELDS = {
    "id": _legal_note("Identifies the demand."),
    "kind": _legal_note("Subpoena, court order, warrant or other."),
    "issuer": _legal_note("Who issued the demand."),
    "jurisdiction": _legal_note("Where it was issued."),
    "subjects": _legal("The accounts the demand names.", "user.account"),
    "named_addresses": _legal("The IP addresses the demand names.", "user.device.ip_address"),
    "fields_requested": _legal_note("The data asked for."),
    "deadline": _legal_note("By when the issuer asks for an answer."),
    "status": _legal_note("Where the demand is in its workflow."),
    "received_at": _legal_note("When it was received."),
    "assessment": _legal_note("Valid, overbroad or invalid."),
    "assessment_reasons": _legal_note("Why."),
    "fields_covered": _legal_note("The data the assessment found the demand may reach."),
    "assessed_at": _legal_note("When it was assessed."),
    "contested_at": _legal_note("When it was contested."),
    "later_reasons": _legal_note(
        "Why it was contested after assessment, or how the person's opposition ended."
    ),
    "user_opposing_at": _legal_note("When the person concerned said they oppose it themselves (C82)."),
    "notice_sent_at": _legal_note("When the people it names were emailed (C79)."),
    "users_notified": _legal_note("How many were emailed."),
    "notified": _legal("The accounts already emailed, so that nobody is emailed twice.", "user.account"),
    "exception": _legal_note("The exception to notice claimed, if any (C80)."),
    "exception_justification": _legal_note("Why the exception applies."),
    "exception_claimed_by": _legal_note("The legal officer who claimed it."),
    "exception_claimed_at": _legal_note("When."),
    "exception_approved_by": _legal_note("The second legal officer who approved it."),
    "exception_approved_at": _legal_note("When."),
    "disclosed_at": _legal_note("When the data was disclosed."),
}

_EMERGENCY_FIELDS = {
    "id": _legal_note("Identifies the disclosure."),
    "reason": _legal_note("Why it is necessary (C85)."),
    "justification": _legal_note("The written justification."),
    "recipient": _legal_note("To whom."),
    "subjects": _legal("The accounts concerned.", "user.account"),
    "fields": _legal_note("The data disclosed: the minimum necessary."),
    "status": _legal_note("Requested, approved or disclosed."),
    "requested_by": _legal_note("The legal officer who asked."),
    "requested_at": _legal_note("When."),
    "approved_by": _legal_note("The second legal officer who approved it."),
    "approved_at": _legal_note("When."),
    "disclosed_at": _legal_note("When it was disclosed."),
}


DATAMAP = (
    Table(
        model="governance.PolicyVersion",
        basis=LegalBasis.LEGAL_OBLIGATION,
        subject=NOT_ONE_PERSON,
        description="A version of the privacy policy, or a proposed change",
        collected_when="system",
        fields=_VERSION_FIELDS,
    ),
    Table(
        model="governance.PolicyTranslation",
        basis=LegalBasis.LEGAL_OBLIGATION,
        subject=NOT_ONE_PERSON,
        description="A translation of a version of the privacy policy",
        collected_when="system",
        fields={
            "id": _public("Identifies the translation."),
            "version": _public("The version translated."),
            "language": _public("The language."),
            "text": _public("The translated text; the English original prevails."),
        },
    ),
    Table(
        model="governance.EarlierPolicy",
        basis=LegalBasis.LEGAL_OBLIGATION,
        subject=NOT_ONE_PERSON,
        description="A privacy policy from before Candor, in the archive",
        collected_when="system",
        fields={
            "id": _public("Identifies the entry."),
            "key": _public("Its stable address."),
            "title": _public("Its title."),
            "effective_from": _public("When it took effect."),
            "effective_from_label": _public("When it took effect, as precisely as the archive says."),
            "effective_until": _public("When the next one replaced it."),
        },
    ),
    Table(
        model="governance.PolicyComment",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        subject="user",
        description="Your public comment on a proposed change of the privacy policy",
        collected_when="contributions",
        fields={
            "id": _public("Identifies the comment."),
            "version": _public("The proposal commented on."),
            "user": Field(
                "user.account.username",
                Visibility.PUBLIC,
                "Names you beside your comment, as beside an edit.",
                FOREVER,
                Export.PUBLIC_ALREADY,
                Erasure.KEEP_ATTRIBUTION,
            ),  # fmt: skip
            "text": Field(
                "user.content.public",
                Visibility.PUBLIC,
                "Your comment, public like any contribution.",
                FOREVER,
                Export.PUBLIC_ALREADY,
                Erasure.KEEP_ATTRIBUTION,
            ),  # fmt: skip
            "at": _public("When it was posted."),
        },
    ),
    Table(
        model="governance.PolicyUse",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        subject="user",
        description="The versions of the privacy policy in force while you used Candor",
        collected_when="use",
        fields={
            "id": not_personal("Identifies the row.", UNTIL_ACCOUNT_CLOSED, Visibility.OWNER),
            "user": Field(
                "user.behavior",
                Visibility.OWNER,
                "Which versions you used Candor under: continued use is acceptance, no click-through (C121).",
                UNTIL_ACCOUNT_CLOSED,
                Export.INCLUDE,
                Erasure.DELETE,
            ),  # fmt: skip
            "version": not_personal("The version in force.", UNTIL_ACCOUNT_CLOSED, Visibility.OWNER),
            "first_used_at": Field(
                "user.behavior",
                Visibility.OWNER,
                "When you first used Candor under that version.",
                UNTIL_ACCOUNT_CLOSED,
                Export.INCLUDE,
                Erasure.DELETE,
            ),  # fmt: skip
        },
    ),
    Table(
        model="governance.Announcement",
        basis=LegalBasis.LEGAL_OBLIGATION,
        subject=NOT_ONE_PERSON,
        description="A post of the announce list: a policy change or an ownership-transfer notice",
        collected_when="system",
        fields={
            "id": _public("Identifies the post."),
            "kind": _public("What it announces."),
            "subject": _public("Its title."),
            "body": _public("Its text."),
            "link": _public("Where to read more."),
            "at": _public("When it was posted and mailed."),
        },
    ),
    Table(
        model="governance.OwnershipTransfer",
        basis=LegalBasis.LEGAL_OBLIGATION,
        subject=NOT_ONE_PERSON,
        description="A planned transfer to new owners or to a different policy, announced 30 days ahead",
        collected_when="system",
        fields={
            "id": _public("Identifies the notice."),
            "description": _public("What changes."),
            "transfer_on": _public("The day it may happen."),
            "status": _public("Announced or cancelled."),
            "announced_at": _public("When it was announced."),
            "cancelled_at": _public("When it was cancelled."),
        },
    ),
    # About several people at once, and never the named person's to export or erase (a demand may come with
    # a legal restraint): NOT_ONE_PERSON.
    Table(
        model="governance.LegalDemand",
        basis=LegalBasis.LEGAL_OBLIGATION,
        subject=NOT_ONE_PERSON,
        description="A legal demand for nonpublic information, and how it was answered",
        collected_when="system",
        fields=_DEMAND_FIELDS,
        expiry=Expiry("received_at", LEGAL_RECORDS),
    ),
    Table(
        model="governance.EmergencyDisclosure",
        basis=LegalBasis.LEGAL_OBLIGATION,
        subject=NOT_ONE_PERSON,
        description="A disclosure to protect people, the platform or the public",
        collected_when="system",
        fields=_EMERGENCY_FIELDS,
        expiry=Expiry("requested_at", LEGAL_RECORDS),
    ),
    Table(
        model="governance.ContactMessage",
        basis=LegalBasis.LEGAL_OBLIGATION,
        subject=NOT_ONE_PERSON,
        description="A message to the privacy contact",
        collected_when="messages",
        fields={
            "id": not_personal("Identifies the message.", CONTACT_MESSAGES, Visibility.PRIVATE),
            "reply_to": Field(
                "user.contact.email",
                Visibility.PRIVATE,
                "Where to answer, if you gave an address.",
                CONTACT_MESSAGES,
                Export.OMIT,
                Erasure.DELETE,
            ),  # fmt: skip
            "message": Field(
                "user.content.private",
                Visibility.PRIVATE,
                "Your question or suggestion, read by legal officers.",
                CONTACT_MESSAGES,
                Export.OMIT,
                Erasure.DELETE,
            ),  # fmt: skip
            "at": not_personal(
                "When it was sent; deleted after the window.", CONTACT_MESSAGES, Visibility.PRIVATE
            ),
        },
        expiry=Expiry("at", CONTACT_MESSAGES),
    ),
    Table(
        model="governance.AnnounceSubscriber",
        basis=LegalBasis.CONSENT,
        subject=NOT_ONE_PERSON,
        description="An address subscribed to the announce list without an account",
        collected_when="messages",
        fields={
            "id": not_personal("Identifies the subscription.", UNTIL_CHANGED, Visibility.PRIVATE),
            "email": Field(
                "user.contact.email",
                Visibility.PRIVATE,
                "Where the announcements go, until you leave the list (a link in every message); unconfirmed "
                "addresses are deleted after 24 hours. Seen by nobody, shared with nobody.",
                UNTIL_CHANGED,
                Export.OMIT,
                Erasure.DELETE,
            ),  # fmt: skip
            "requested_at": not_personal(
                "When the subscription was asked for.", UNTIL_CHANGED, Visibility.PRIVATE
            ),
            "confirmed_at": not_personal(
                "When the address was confirmed.", UNTIL_CHANGED, Visibility.PRIVATE
            ),
            "unconfirmed_until": not_personal(
                "When an unconfirmed address is deleted.", UNTIL_EXPIRED, Visibility.PRIVATE
            ),
        },
        expiry=Expiry("unconfirmed_until", UNTIL_EXPIRED),
    ),
)
