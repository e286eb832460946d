"""MediaWiki XML dumps written by hand for the import tests, as MediaWiki 1.39's Special:Export writes
them."""

from xml.sax.saxutils import escape

NAMESPACES = {
    0: "",
    1: "Talk",
    2: "User",
    3: "User talk",
    4: "Project",
    5: "Project talk",
    10: "Template",
    14: "Category",
}


def dump(pages: str, *, version: str = "0.11", dbname: str = "oldwiki") -> str:
    namespaces = "\n".join(
        f'<namespace key="{key}" case="first-letter">{name}</namespace>'
        if name
        else f'<namespace key="{key}" case="first-letter" />'
        for key, name in NAMESPACES.items()
    )
    return (
        f'<mediawiki xmlns="http://www.mediawiki.org/xml/export-{version}/" version="{version}" '
        'xml:lang="en">\n'
        f"<siteinfo><sitename>Old Wiki</sitename><dbname>{dbname}</dbname>"
        "<base>https://old.example.org/wiki/Main_Page</base><generator>MediaWiki 1.39.3</generator>"
        f"<case>first-letter</case><namespaces>{namespaces}</namespaces></siteinfo>\n"
        f"{pages}</mediawiki>\n"
    )


def page(title: str, revisions: str, *, ns: int = 0, page_id: int = 1) -> str:
    full = f"{NAMESPACES[ns]}:{title}" if NAMESPACES.get(ns) else title  # <title> holds the prefix
    return f"<page><title>{escape(full)}</title><ns>{ns}</ns><id>{page_id}</id>\n{revisions}</page>\n"


def revision(
    rev_id: int,
    text: str | None,
    *,
    parent: int | None = None,
    timestamp: str = "2020-05-01T12:00:00Z",
    username: str | None = "Ada",
    user_id: int = 7,
    ip: str | None = None,
    comment: str | None = "an edit",
    minor: bool = False,
    text_deleted: bool = False,
    comment_deleted: bool = False,
    user_deleted: bool = False,
) -> str:
    if user_deleted:
        contributor = '<contributor deleted="deleted" />'
    elif ip is not None:
        contributor = f"<contributor><ip>{ip}</ip></contributor>"
    else:
        contributor = f"<contributor><username>{escape(username)}</username><id>{user_id}</id></contributor>"
    if comment_deleted:
        comment_xml = '<comment deleted="deleted" />'
    else:
        comment_xml = f"<comment>{escape(comment)}</comment>" if comment else ""
    if text_deleted:
        text_xml = '<text bytes="120" sha1="" deleted="deleted" />'
    else:
        body = text or ""
        text_xml = f'<text bytes="{len(body.encode())}" sha1="x" xml:space="preserve">{escape(body)}</text>'
    return (
        f"<revision><id>{rev_id}</id>"
        + (f"<parentid>{parent}</parentid>" if parent else "")
        + f"<timestamp>{timestamp}</timestamp>{contributor}"
        + ("<minor />" if minor else "")
        + f"{comment_xml}<model>wikitext</model><format>text/x-wiki</format>{text_xml}"
        + "<sha1>x</sha1></revision>\n"
    )


def wiki_rows() -> dict[str, list]:
    """Everything an import writes, to compare two imports of the same dump (pages by title: a page's id is
    the database's, not the dump's)."""
    from candor.wiki.models import ImportedRevision, Page, Revision, SearchEntry

    titles = dict(Page.objects.values_list("pk", "title"))
    revisions = []
    for row in Revision.objects.order_by("pk").values():
        row["page_id"] = titles[row["page_id"]]
        revisions.append(row)
    return {
        "pages": list(Page.objects.order_by("title").values("title", "namespace", "latest", "created_at")),
        "revisions": revisions,
        "imported": list(
            ImportedRevision.objects.order_by("source_id").values("source", "source_id", "revision")
        ),
        "search": sorted(SearchEntry.objects.values_list("title", "body")),
    }


def empty_the_wiki() -> None:
    """Remove every page and revision, as if Candor had just been installed (revisions refuse delete() one by
    one, C31; a test that needs an empty wiki again goes around that, in bulk)."""
    from candor.publiclog.models import PublicLogEntry
    from candor.wiki.models import ImportedRevision, Page, Revision, SearchEntry

    SearchEntry.objects.all().delete()
    Page.objects.update(latest=None)
    ImportedRevision.objects.all().delete()
    Revision.objects.update(parent=None)
    Revision.objects.all().delete()
    Page.objects.all().delete()
    PublicLogEntry.objects.all().delete()


def many_revisions(pages: int, per_page: int, *, dbname: str = "bigwiki") -> str:
    """A dump of `pages` pages of `per_page` revisions each, linking to one another."""
    parts = []
    rev_id = 0
    for number in range(pages):
        revisions = []
        for edit in range(per_page):
            rev_id += 1
            text = (
                f"== Part {edit} ==\n'''Page {number}''' links to [[Page {number + 1}]].\n* edit {rev_id}\n"
            )
            author = (
                {"ip": f"203.0.113.{edit % 250 + 1}"} if edit % 3 == 0 else {"username": f"Editor {edit % 7}"}
            )
            revisions.append(revision(rev_id, text, parent=rev_id - 1 if edit else None, **author))
        parts.append(page(f"Page {number}", "".join(revisions), page_id=number + 1))
    return dump("".join(parts), dbname=dbname)
