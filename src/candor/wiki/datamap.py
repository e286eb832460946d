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
        model="wiki.Page",
        basis=LegalBasis.CONTRACT,
        description="A page",
        collected_when="contributions",
        fields={
            "id": not_personal("Identifies the page."),
            "namespace": not_personal("Whether it is an article, a talk page or a user page."),
            "title": _public("The page's public title."),
            "latest": not_personal("Points to the current revision."),
            "created_at": _public("When the page was created, shown in its history."),
            "deleted_at": _public("When the page was deleted, shown in the deletion log."),
            "deleted_by": _public(
                "Who deleted the page, shown in the deletion log.", "user.account.username"
            ),
            "deletion_reason": _public("Why the page was deleted, shown in the deletion log."),
            "content_model": not_personal("Whether the page is written in Markdown or in wikitext."),
        },
    ),
    Table(
        model="wiki.Revision",
        basis=LegalBasis.CONTRACT,
        subject="user",
        description="An edit (a revision of a page)",
        collected_when="contributions",
        fields={
            "id": not_personal("Identifies the revision."),
            "page": not_personal("The page the edit belongs to."),
            "parent": not_personal("The revision the edit was made on."),
            "user": _public(
                "Attributes an edit made while logged in to the account.", "user.account.username"
            ),
            "ip": _public(
                "Attributes an edit made without logging in to the IP address it came from, as the policy "
                "says it will be. Never set for an edit made while logged in.",
                "user.device.ip_address",
            ),
            "imported_author": _public(
                "Attributes a revision imported from another wiki to the name that wiki published for its "
                "author (imported>Name); no account here.",
                "user.account.username",
            ),
            "timestamp": _public("When the edit was made, shown in the history."),
            "summary": _public("The edit summary you wrote."),
            "text": _public("The text you saved."),
            "size": _public("The size of the text, shown in the history."),
            "html": _public("The saved text, rendered for reading."),
            "minor": _public("Whether the edit was marked minor, shown in the history."),
            "text_hidden": _public("Whether the wiki it was imported from had deleted the text."),
            "summary_hidden": _public("Whether the wiki it was imported from had deleted the summary."),
            "author_hidden": _public("Whether the wiki it was imported from had deleted the author's name."),
        },
    ),
    Table(
        model="wiki.ImportedRevision",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        description="Which revision of an imported wiki a revision is",
        collected_when="contributions",
        fields={
            "id": not_personal("Identifies the row."),
            "source": not_personal("The wiki the revision was imported from, as its dump names it."),
            "source_id": not_personal("The revision's number on that wiki."),
            "revision": not_personal("The revision it became here."),
        },
    ),
    Table(
        model="wiki.SearchEntry",
        basis=LegalBasis.CONTRACT,
        description="The search index",
        collected_when="contributions",
        fields={
            "page": not_personal("The page indexed."),
            "title": _public("The page title, indexed for search."),
            "body": _public("The current page text, indexed for search."),
        },
    ),
)
