from candor.privacy.register import (
    FOREVER,
    Erasure,
    Export,
    Field,
    LegalBasis,
    Table,
    Visibility,
    not_personal,
)


def _public(purpose: str, category: str = "user.content.public") -> Field:
    return Field(
        category, Visibility.PUBLIC, purpose, FOREVER, Export.PUBLIC_ALREADY, Erasure.KEEP_ATTRIBUTION
    )


DATAMAP = (
    Table(
        model="publiclog.PublicLogEntry",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        subject="performer",
        description="A public log entry (such as an account creation)",
        collected_when="account",
        fields={
            "id": not_personal("Identifies the entry."),
            "log_type": not_personal("Which public log it belongs to."),
            "action": not_personal("What was done."),
            "timestamp": _public("When it was done."),
            "performer": _public("Who did it, by username.", "user.account.username"),
            "target_namespace": not_personal("The namespace of the page it concerns."),
            "target_title": _public("The page it concerns."),
            "comment": _public("The public comment given with it."),
        },
    ),
)
