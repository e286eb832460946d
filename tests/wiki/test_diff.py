"""Diffs between any two revisions, as MediaWiki's ?diff=&oldid= parameters ask for them."""

import pytest

from tests.steps import revisions_of, save


@pytest.fixture
def three_revisions(reader):
    save(reader, "Tide", "high\nlow\n")
    save(reader, "Tide", "high\nslack\nlow\n")
    save(reader, "Tide", "slack\nlow\n")
    return [revision.id for revision in revisions_of("Tide")]


def _diff_rows(html: str) -> tuple[list[str], list[str]]:
    added = [
        line.split("+ ", 1)[1].split("</td>")[0] for line in html.splitlines() if 'class="added"' in line
    ]
    removed = [
        line.split("− ", 1)[1].split("</td>")[0] for line in html.splitlines() if 'class="removed"' in line
    ]
    return added, removed


def test_diff_between_two_named_revisions(reader, three_revisions):
    first, _, third = three_revisions

    response = reader.get(f"/wiki/Tide?diff={third}&oldid={first}")

    assert response.status_code == 200
    assert _diff_rows(response.content.decode()) == (["slack"], ["high"])


def test_diff_alone_compares_with_the_parent(reader, three_revisions):
    _, second, _ = three_revisions

    assert _diff_rows(reader.get(f"/wiki/Tide?diff={second}").content.decode()) == (["slack"], [])


@pytest.mark.parametrize(("word", "expected"), [("prev", (["slack"], [])), ("cur", (["slack"], ["high"]))])
def test_diff_prev_and_cur(reader, three_revisions, word, expected):
    first, second, _ = three_revisions
    oldid = second if word == "prev" else first

    assert _diff_rows(reader.get(f"/wiki/Tide?diff={word}&oldid={oldid}").content.decode()) == expected


def test_reversed_ids_still_compare_older_to_newer(reader, three_revisions):
    first, _, third = three_revisions

    html = reader.get(f"/wiki/Tide?diff={first}&oldid={third}").content.decode()

    assert _diff_rows(html) == (["slack"], ["high"])


@pytest.mark.parametrize("query", ["diff=abc", "diff=1&oldid=x", "diff=prev&oldid=", "oldid=zero", "diff=-1"])
def test_a_malformed_diff_request_is_a_clear_error(reader, three_revisions, query):
    response = reader.get(f"/wiki/Tide?{query}")

    assert response.status_code == 400
    assert "revision number" in response.content.decode()


@pytest.mark.parametrize("query", ["diff=999999", "oldid=999999", "diff=prev&oldid=999999"])
def test_an_unknown_revision_is_not_found(reader, three_revisions, query):
    response = reader.get(f"/wiki/Tide?{query}")

    assert response.status_code == 404
    assert "Tide" in response.content.decode()


def test_a_revision_of_another_page_is_not_shown_under_this_title(reader, three_revisions):
    save(reader, "Other", "Other text.")
    other = revisions_of("Other")[0].id

    assert reader.get(f"/wiki/Tide?oldid={other}").status_code == 404
    assert reader.get(f"/wiki/Tide?diff={other}&oldid={three_revisions[0]}").status_code == 404
