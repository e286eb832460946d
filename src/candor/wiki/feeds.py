"""Atom and RSS 2.0 feeds of recent changes, a page's history and a user's or an address's contributions.

`?feed=atom` or `?feed=rss` on those pages picks one (MediaWiki's spelling). The entries come from the same
queries as the HTML lists (wiki/queries.py) and carry the same attribution (C32, C33): the username, or for
a logged-out edit the address it came from. Nothing else about the editor is in a feed (C06, C34): no
address of a logged-in editor, no user agent, no email. An entry links to its diff, or to the revision that
made the page.
"""

from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.http import HttpRequest, HttpResponse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from candor.publiclog.titles import Namespace, Title
from candor.wiki import queries
from candor.wiki.models import Revision
from candor.wiki.paging import BadPageRequest, paginate
from candor.wiki.responses import bad_request, no_history, no_such_user

FEED_TYPES: dict[str, type[SyndicationFeed]] = {"atom": Atom1Feed, "rss": Rss201rev2Feed}


class UnknownFeed(ValueError):
    pass


def feed_type(name: str) -> type[SyndicationFeed]:
    try:
        return FEED_TYPES[name]
    except KeyError:
        raise UnknownFeed(
            _("There is no feed “%(name)s”. Try feed=atom or feed=rss.") % {"name": name}
        ) from None


class RevisionFeed(Feed):
    """A feed of revision rows (newest first), `limit` of them (50 unless asked, at most 500)."""

    description = ""

    def __init__(self, request: HttpRequest, kind: str, rows: list[Revision], title: str, link: str):
        super().__init__()
        self.feed_type = feed_type(kind)
        self.rows, self.title, self.link = rows, title, link
        self.description = title
        self._domain, self._secure = get_current_site(request).domain, request.is_secure()

    def _absolute(self, url: str) -> str:
        return add_domain(self._domain, url, self._secure)

    def items(self):
        return self.rows

    def item_title(self, item: Revision) -> str:
        return f"{item.page.title_object}: {item.summary}" if item.summary else str(item.page.title_object)

    def item_description(self, item: Revision) -> str:
        change = item.size_change
        size = ngettext("%(size)s byte", "%(size)s bytes", item.size) % {"size": item.size}
        size = f"{size} ({'+' if change >= 0 else ''}{change})"
        return f"{item.summary} · {size}" if item.summary else size

    def item_link(self, item: Revision) -> str:
        url = item.page.title_object.url
        if item.parent_id:
            return f"{url}?diff={item.id}&oldid={item.parent_id}"
        return f"{url}?oldid={item.id}"

    def item_guid(self, item: Revision) -> str:
        return self._absolute(f"{item.page.title_object.url}?oldid={item.id}")

    item_guid_is_permalink = True

    def item_author_name(self, item: Revision) -> str:
        return item.author_name  # the username, or the address of a logged-out edit (C33)

    def item_author_link(self, item: Revision) -> str:
        return self._absolute(item.author_url)

    def item_pubdate(self, item: Revision):
        return item.timestamp

    def item_updateddate(self, item: Revision):
        return item.timestamp


def _respond(request: HttpRequest, kind: str, revisions, title: str, link: str) -> HttpResponse:
    try:
        rows = paginate(revisions, request.GET).rows
        feed = RevisionFeed(request, kind, rows, title, link)
    except (BadPageRequest, UnknownFeed) as exc:
        return bad_request(request, str(exc))
    return feed(request)


def _kind(request: HttpRequest, kind: str | None) -> str:
    if kind is not None:
        return kind
    if "feed" in request.GET:
        return request.GET["feed"]
    return request.GET.get("feedformat", "atom")


def recent_changes_feed(request: HttpRequest, kind: str | None = None) -> HttpResponse:
    """Recent changes as a feed: `kind` "atom" or "rss", else the request's `feed` (or MediaWiki's
    `feedformat`), Atom by default. The Action API's action=feedrecentchanges answers with this."""
    link = Title(Namespace.SPECIAL, "RecentChanges").url
    return _respond(request, _kind(request, kind), queries.recent_changes(), _("Recent changes"), link)


def history_feed(request: HttpRequest, title: Title, kind: str | None = None) -> HttpResponse:
    page = queries.live_page(title)
    if page is None:
        return no_history(request, title)
    link = title.url + "?action=history"
    name = _("%(title)s: revision history") % {"title": title}
    return _respond(request, _kind(request, kind), queries.history(page), name, link)


def contributions_feed(request: HttpRequest, target: str, kind: str | None = None) -> HttpResponse:
    found = queries.contributions(target)
    if found is None:
        return no_such_user(request, target)
    link = Title(Namespace.SPECIAL, f"Contributions/{found.who}").url
    name = _("Contributions of %(who)s") % {"who": found.who}
    return _respond(request, _kind(request, kind), found.revisions, name, link)
