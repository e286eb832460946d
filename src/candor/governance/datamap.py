from candor.privacy.register import Table, not_personal

DATAMAP = (
    Table(
        model="governance.PolicyVersion",
        description="A version of the privacy policy",
        collected_when="system",
        fields={
            "id": not_personal("Identifies the version."),
            "number": not_personal("The version number."),
            "language": not_personal("The language of the text."),
            "text": not_personal("The policy text."),
            "approved_on": not_personal("When it was approved."),
            "effective_on": not_personal("When it took effect."),
        },
    ),
)
