"""Titles are normalised as MediaWiki does, and Talk:, User: and User_talk: are namespaces."""

import pytest

from candor.publiclog.titles import InvalidTitle, Namespace, Title, parse
from tests.steps import revisions_of, save


@pytest.mark.parametrize(
    ("raw", "namespace", "name", "url"),
    [
        ("main page", Namespace.MAIN, "Main page", "/wiki/Main_page"),
        ("Main_Page", Namespace.MAIN, "Main Page", "/wiki/Main_Page"),
        ("  spaced   out__title ", Namespace.MAIN, "Spaced out title", "/wiki/Spaced_out_title"),
        ("talk:harbour", Namespace.TALK, "Harbour", "/wiki/Talk:Harbour"),
        ("User:alice", Namespace.USER, "Alice", "/wiki/User:Alice"),
        ("User_talk:alice", Namespace.USER_TALK, "Alice", "/wiki/User_talk:Alice"),
        ("user talk:alice", Namespace.USER_TALK, "Alice", "/wiki/User_talk:Alice"),
        ("Notanamespace:x", Namespace.MAIN, "Notanamespace:x", "/wiki/Notanamespace:x"),
        ("éclair", Namespace.MAIN, "Éclair", "/wiki/%C3%89clair"),
    ],
)
def test_titles_are_normalised(raw, namespace, name, url):
    title = parse(raw)

    assert (title.namespace, title.name, title.url) == (namespace, name, url)


def test_talk_and_subject_pages_lead_to_each_other():
    assert parse("Harbour").talk == Title(Namespace.TALK, "Harbour")
    assert parse("User talk:Alice").subject == Title(Namespace.USER, "Alice")


@pytest.mark.parametrize(
    "raw", ["", "   ", "Talk:", "a#b", "a<b", "a[b]", "a{b}", "a|b", "x" * 256, "a\u200bb"]
)
def test_impossible_titles_are_refused(raw):
    with pytest.raises(InvalidTitle):
        parse(raw)


def test_a_non_canonical_url_redirects_to_the_canonical_one_keeping_the_action(reader):
    response = reader.get("/wiki/talk:some%20page?action=history")

    assert response.status_code == 301
    assert response["Location"] == "/wiki/Talk:Some_page?action=history"


def test_talk_user_and_user_talk_pages_can_be_edited_and_read(reader, editor):
    for raw in ("Talk:Harbour", "User:Alice", "User talk:Alice"):
        assert save(reader, raw, f"Text of {raw}.").status_code == 303
        assert f"Text of {raw}." in reader.get(parse(raw).url).content.decode()
    assert len(revisions_of("User talk:Alice")) == 1


def test_a_talk_page_links_back_to_its_subject(reader):
    save(reader, "Talk:Harbour", "Discussion.")

    html = reader.get("/wiki/Talk:Harbour").content.decode()

    assert '<a href="/wiki/Harbour">Page</a>' in html
