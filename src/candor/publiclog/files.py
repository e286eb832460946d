"""Hooks between the wiki and the media app, which sit on the same floor and never import each other.

The wiki renders `[[File:Name.jpg|thumb|caption]]` (wikitext) and `![caption](File:Name.jpg)` (Markdown)
by asking `resolve(title, width)`, and hands a `File:` page's plain view to `file_page(request, title,
description, uses)`, which answers with the whole page (the image, its versions and metadata, then the
description page's text) or None. The media app registers both from its AppConfig.ready()
(docs/media.md). With nothing registered, an embed is a red link and a File page is only its description.
"""

from collections.abc import Callable
from dataclasses import dataclass

from candor.publiclog.titles import Title


@dataclass(frozen=True)
class Embed:
    url: str  # always under /media/: the sanitiser keeps no other image source
    width: int
    height: int


Resolver = Callable[[Title, int | None], Embed | None]
FilePage = Callable[..., object]

_resolvers: list[Resolver] = []
_pages: list[FilePage] = []


def add_file_resolver(resolver: Resolver) -> None:
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def add_file_page(view: FilePage) -> None:
    if view not in _pages:
        _pages.append(view)


def resolve(title: Title, width: int | None = None) -> Embed | None:
    """The thumbnail to show for the file `title` at about `width` pixels, or None (a red link)."""
    for resolver in _resolvers:
        found = resolver(title, width)
        if found is not None:
            return found
    return None


def file_page(request, title: Title, description, uses):
    """The response for the File page `title`, or None when no file of that name is shown (then the wiki
    shows the description page alone, or its 404). `description`: the live wiki page or None; `uses`: the
    titles of the pages that embed the file."""
    for view in _pages:
        found = view(request, title, description, uses)
        if found is not None:
            return found
    return None
