"""The JSON API's typed answers. The OpenAPI schema at /api/openapi.json is generated from these classes, and
every answer is validated against them on its way out, so the schema and the code cannot drift apart.

Only public fields (C06): a revision's author is a username or, for a logged-out edit, the address it came
from (C33). There is no field for anything the HTML pages hide: no address of a logged-in editor, no user
agent, no email (C34).
"""

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field


class ErrorDetail(Schema):
    code: str = Field(description="A stable, machine-readable code, such as `no_such_page`.")
    message: str = Field(description="What went wrong, for a person.")


class Error(Schema):
    error: ErrorDetail


class PageRef(Schema):
    title: str = Field(description="The title as displayed, with spaces: `Talk:Main Page`.")
    namespace: int = Field(description="MediaWiki's namespace number: 0 articles, 1 talk, 2 user, …")
    url: str = Field(description="The page's path on this site.")


class Author(Schema):
    kind: Literal["account", "ip"] = Field(
        description="`account` for an edit made logged in; `ip` for a logged-out edit (C33)."
    )
    name: str = Field(description="The username, or the address a logged-out edit came from.")
    url: str = Field(description="The user page of the account, or the contributions of the address.")


class RevisionSummary(Schema):
    id: int
    page: PageRef
    parent_id: int | None = Field(description="The revision this one was built on; null for a new page.")
    timestamp: datetime
    author: Author
    summary: str
    size: int = Field(description="Bytes of UTF-8.")
    size_change: int = Field(description="Bytes added (or, negative, removed) since the parent revision.")


class Revision(RevisionSummary):
    text: str = Field(description="The Markdown source.")
    html: str = Field(description="The text rendered and sanitised, as the page shows it.")


class Page(Schema):
    page_id: int
    title: str
    namespace: int
    url: str
    revision: Revision = Field(description="The current revision, with its text and HTML.")


class Paging(Schema):
    limit: int
    older: int | None = Field(description="Pass as `before` for the next older rows; null at the oldest.")
    newer: int | None = Field(description="Pass as `after` for the next newer rows; null at the newest.")


class RevisionList(Schema):
    items: list[RevisionSummary]
    paging: Paging


class Contributions(RevisionList):
    target: str = Field(description="The account's username, or the normalised address.")
    target_kind: Literal["account", "ip"]


class DiffRow(Schema):
    kind: Literal["same", "removed", "added", "gap"]
    old_number: int | None = Field(description="The line's number in the older text.")
    new_number: int | None = Field(description="The line's number in the newer text.")
    text: str


class Diff(Schema):
    older: RevisionSummary | None = Field(description="Null when the newer revision made the page.")
    newer: RevisionSummary
    rows: list[DiffRow] = Field(description="Changed lines with two lines of context; `gap` between hunks.")


class SearchHit(Schema):
    title: str
    namespace: int
    url: str
    snippet: str


class SearchResults(Schema):
    query: str
    hits: list[SearchHit]
