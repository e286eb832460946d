"""The yourdata app's fields: a person's requests are kept as the minimal record that they happened (C110);
a finished copy of their data lives only until it is downloaded or its link expires."""

from candor.privacy.register import (
    FOREVER,
    NOT_ONE_PERSON,
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

# Long enough to answer "did you handle my request?" and for the ombuds to review how requests were handled.
DATA_REQUESTS = days(1095, key="data_requests")

OWN_DATA_TEMPLATES = ("yourdata/requests.html", "yourdata/erasure.html", "yourdata/sharing.html")
PRIVILEGED_TEMPLATES = ("yourdata/queue.html",)


def _record(purpose: str, category: str = "user.behavior") -> Field:
    """Part of the record of a request: yours to see, kept after an erasure as proof it was answered."""
    return Field(
        category, Visibility.OWNER, purpose, DATA_REQUESTS, Export.INCLUDE, Erasure.KEEP_ATTRIBUTION,
        use="essential.legal_obligation",
    )  # fmt: skip


DATAMAP = (
    Table(
        model="yourdata.DataRequest",
        basis=LegalBasis.LEGAL_OBLIGATION,
        subject="user",
        description="Your request for a copy of your data, its erasure or the renaming of your account",
        collected_when="account",
        fields={
            "id": not_personal("Identifies the request.", DATA_REQUESTS, Visibility.OWNER),
            "user": _record("Who asked.", "user.account"),
            "kind": not_personal("What was asked for.", DATA_REQUESTS, Visibility.OWNER),
            "state": not_personal("Where the request stands.", DATA_REQUESTS, Visibility.OWNER),
            "received_at": _record("When it arrived."),
            "due_at": _record("When it must be answered by."),
            "identity_confirmed_at": _record("When you confirmed it was you (your password)."),
            "in_progress_at": _record("When work on it began."),
            "completed_at": _record("When it was done."),
            "refused_at": _record("When it was refused, if it was."),
            "refusal_reason": _record("Why it was refused, if it was.", "user.content.private"),
            "handled_by": Field(
                "user.account.username",
                Visibility.PRIVATE,
                "The steward who approved or refused a renaming, for oversight.",
                DATA_REQUESTS,
                Export.OMIT,
                Erasure.KEEP_ATTRIBUTION,
                use="essential.legal_obligation",
            ),
            "export_file": Field(
                "user.account",
                Visibility.OWNER,
                "The archive of your data, until you download it or its link expires; then it is deleted.",
                UNTIL_EXPIRED,
                Export.OMIT,
                Erasure.DELETE,
            ),
            "export_expires_at": _record("When the download link expires."),
            "downloaded_at": _record("When you downloaded the copy (the link works once)."),
        },
        expiry=Expiry("received_at", DATA_REQUESTS),
    ),
    Table(
        model="yourdata.ReservedName",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        # A keyed digest that cannot be traced back to the account or turned back into the name.
        subject=NOT_ONE_PERSON,
        description="The names of accounts that vanished, kept as digests so that nobody can take them",
        collected_when="account",
        fields={
            "id": not_personal("Identifies the entry.", visibility=Visibility.SECRET),
            "digest": Field(
                "user.account.username",
                Visibility.SECRET,
                "Stops anyone from taking the name a renamed account had; a keyed digest, not the name.",
                FOREVER,
                Export.OMIT,
                Erasure.KEEP_ATTRIBUTION,
            ),
            "reserved_at": not_personal("When the name was reserved.", visibility=Visibility.SECRET),
        },
    ),
)
