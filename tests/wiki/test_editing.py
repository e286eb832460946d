"""C21, C35, C36, C05: editing without an account, the warnings before saving, and the refusals."""

import pytest

from candor.wiki.models import Revision
from tests.steps import READER_ADDRESS, latest_id, revisions_of, save


@pytest.mark.ip_attribution
def test_logged_out_edit_form_warns_that_the_ip_will_be_public(reader):
    response = reader.get("/wiki/Harbour?action=edit")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="ip-warning"' in html
    assert READER_ADDRESS in html
    assert "/accounts/login?next=" in html and "/accounts/signup?next=" in html


def test_logged_in_edit_form_has_no_ip_warning(editor):
    response = editor.get("/wiki/Harbour?action=edit")

    assert response.status_code == 200
    assert 'id="ip-warning"' not in response.content.decode()


@pytest.mark.parametrize("persona", ["reader", "editor"])
def test_edit_form_says_contributions_are_public_and_permanent(request, persona):
    response = request.getfixturevalue(persona).get("/wiki/Harbour?action=edit")

    html = response.content.decode()
    assert "public and permanent" in html
    assert 'href="/privacy"' in html


@pytest.mark.ip_attribution
def test_reader_creates_and_edits_a_page_without_an_account(reader):
    created = save(reader, "Harbour", "Boats come in.", "new page")
    edited = save(reader, "Harbour", "Boats come in and go out.", "both ways")

    assert created.status_code == edited.status_code == 303
    assert created["Location"] == "/wiki/Harbour"
    revisions = revisions_of("Harbour")
    assert [r.text for r in revisions] == ["Boats come in.", "Boats come in and go out."]
    assert all(r.user is None and r.ip == READER_ADDRESS for r in revisions)
    assert revisions[1].parent_id == revisions[0].id
    assert revisions[1].size == len(b"Boats come in and go out.")
    assert revisions[1].summary == "both ways"
    assert "Boats come in and go out." in reader.get("/wiki/Harbour").content.decode()


def test_saving_the_same_text_again_makes_no_revision(reader):
    save(reader, "Harbour", "Boats.")
    response = save(reader, "Harbour", "Boats.")

    assert response.status_code == 303
    assert len(revisions_of("Harbour")) == 1


def test_the_privacy_policy_cannot_be_edited_as_a_wiki_page(editor, reader):
    """C05: the policy changes only through the policy-change process; its page is protected."""
    form = reader.get("/wiki/Privacy_policy?action=edit")
    attempt = save(editor, "Privacy policy", "We sell everything.")

    assert form.status_code == attempt.status_code == 403
    assert "protected" in attempt.content.decode()
    assert not revisions_of("Privacy policy")
    assert reader.get("/wiki/Privacy_policy")["Location"] == "/privacy"


def test_special_pages_cannot_be_edited(reader):
    post = reader.post("/wiki/Special:RecentChanges?action=edit", {"text": "x"})
    form = reader.get("/wiki/Special:RecentChanges?action=edit")

    assert post.status_code == 405
    assert form.status_code == 200 and "<textarea" not in form.content.decode()
    assert not Revision.objects.exists()


def test_posting_to_a_page_outside_the_edit_form_changes_nothing(reader):
    response = reader.post("/wiki/Harbour", {"text": "x"})

    assert response.status_code == 405
    assert not Revision.objects.exists()


def test_an_over_long_page_is_refused_and_the_text_given_back(reader, settings):
    settings.CANDOR_MAX_PAGE_BYTES = 1000
    text = "word " * 300

    response = save(reader, "Harbour", text)

    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 1,000 bytes" in html
    assert text.strip() in html
    assert latest_id("Harbour") is None


def test_an_over_long_summary_is_refused_and_the_text_given_back(reader):
    response = save(reader, "Harbour", "Keep this text, please.", summary="s" * 501)

    assert response.status_code == 400
    assert "Keep this text, please." in response.content.decode()
    assert latest_id("Harbour") is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/wiki/Bad%3Cangle%3E", "cannot contain these characters: &lt; &gt;"),
        ("/wiki/A%7Cpipe", "cannot contain these characters: |"),
        ("/wiki/Talk:", "The title is empty"),
        ("/wiki/" + "x" * 300, "at most 255 bytes"),
    ],
)
def test_a_bad_title_gets_a_clear_message_and_keeps_what_was_typed(reader, url, message):
    response = reader.get(url)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'name="q"' in html  # what they typed comes back, ready to search for


def test_an_unknown_action_is_a_clear_error(reader):
    response = reader.get("/wiki/Harbour?action=destroy")

    assert response.status_code == 400
    assert "There is no action" in response.content.decode()
