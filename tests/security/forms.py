"""The forms a page shows, read from its HTML as a browser reads them: where each posts, how, and its fields
with the values a select, a radio button or a checkbox offers (issue 20 §3: the fuzz posts every form
reachable from the URL configuration)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass
class Form:
    action: str  # a path on this site
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name: values offered (none for free text)


class _FormParser(HTMLParser):
    def __init__(self, page: str):
        super().__init__()
        self.page, self.forms, self._select = page, [], None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "option" and self._select is not None:
            self._select.append(attributes.get("value", ""))
        elif tag == "form":
            action = urlsplit(urljoin(self.page, attributes.get("action") or self.page))
            self.forms.append(Form(action.path, attributes.get("method", "get").lower()))
        elif not self.forms or "name" not in attributes:
            return
        elif tag in {"input", "textarea", "button"}:
            offered = self.forms[-1].fields.setdefault(attributes["name"], [])
            if attributes.get("type") in {"hidden", "radio", "checkbox", "submit"} or tag == "button":
                offered.append(attributes.get("value", "on"))
        elif tag == "select":
            self._select = self.forms[-1].fields.setdefault(attributes["name"], [])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_of(page: str, html: str) -> list[Form]:
    parser = _FormParser(page)
    parser.feed(html)
    return parser.forms
