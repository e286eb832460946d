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
        model="media.MediaFile",
        basis=LegalBasis.CONTRACT,
        description="An uploaded file's name",
        collected_when="contributions",
        fields={
            "id": not_personal("Identifies the file."),
            "name": _public("The file's public name, the title of its File: page."),
            "created_at": _public("When the file was first uploaded, shown on its page."),
            "latest": not_personal("Points to the current version."),
            "deleted_at": _public("When an administrator deleted the file, hiding every version."),
        },
    ),
    Table(
        model="media.FileVersion",
        basis=LegalBasis.CONTRACT,
        subject="user",
        description="An upload (a version of a file)",
        collected_when="contributions",
        fields={
            "id": not_personal("Identifies the version."),
            "file": not_personal("The file the upload is a version of."),
            "user": _public(
                "Attributes the upload to the account that made it, shown on the file's page.",
                "user.account.username",
            ),
            "timestamp": _public("When the file was uploaded, shown on its page."),
            "comment": _public("The description you wrote for the upload."),
            "sha256": not_personal("Finds the stored bytes by their hash."),
            "mime": _public("The file's type, detected from its bytes."),
            "size": _public("The file's size in bytes."),
            "width": _public("The image's width in pixels."),
            "height": _public("The image's height in pixels."),
            "kept_metadata": _public("Whether you chose to keep the camera metadata in the file."),
            "metadata": _public(
                "The metadata fields published inside the file (position, capture time, camera) when you "
                "chose to keep them; empty by default, when Candor strips them (C43, C44).",
                "user.content.public",
            ),
        },
    ),
)
