"""C50, C71: an edit queues one job; in the worker it tells each watcher (never the editor), the person
mentioned as [[User:Name]] on a discussion page, and the owner of an edited user talk page. /notify/ shows a
person their own notifications and marks them read."""

import re

import pytest

from candor.notify.models import SWITCHABLE_KINDS, Kind, Notification
from tests.steps import save


@pytest.fixture
def edit(django_capture_on_commit_callbacks, jobs):
    def edit(client, name, text):
        with django_capture_on_commit_callbacks(execute=True):
            save(client, name, text)

    return edit


def _kinds(user):
    return [n.kind for n in Notification.objects.filter(user=user)]


def test_an_edit_to_a_watched_page_notifies_the_watcher(editor, watcher, watcher_account, edit):
    edit(editor, "Harbour", "The harbour.")
    watcher.post("/notify/watch", {"title": "Harbour"})
    edit(editor, "Harbour", "The harbour, rebuilt.")

    assert _kinds(watcher_account) == [Kind.WATCHED_PAGE_EDITED]
    inbox = watcher.get("/notify/")
    assert b"Harbour" in inbox.content and b'class="unread"' in inbox.content
    assert Notification.objects.get(user=watcher_account).read_at is not None
    assert b'class="unread"' not in watcher.get("/notify/").content


def test_the_edit_queues_one_job_whatever_the_number_of_watchers(
    editor, watcher, django_capture_on_commit_callbacks
):
    save(editor, "Harbour", "The harbour.")
    watcher.post("/notify/watch", {"title": "Harbour"})
    with django_capture_on_commit_callbacks() as callbacks:
        save(editor, "Harbour", "The harbour, rebuilt.")
    assert len(callbacks) == 1 and Notification.objects.count() == 0  # the fan-out is the worker's


def test_nobody_is_notified_of_their_own_edit(editor, editor_account, edit):
    edit(editor, "Harbour", "The harbour.")
    editor.post("/notify/watch", {"title": "Harbour"})
    edit(editor, "Harbour", "The harbour, rebuilt.")
    assert _kinds(editor_account) == []


def test_a_mention_on_a_talk_page_notifies_the_person_named(editor, watcher_account, edit):
    edit(editor, "Talk:Harbour", "I agree with [[User:Wendy]].")
    assert _kinds(watcher_account) == [Kind.TALK_MENTION]
    edit(editor, "Talk:Harbour", "I agree with [[User:Wendy]]. And more.")
    assert _kinds(watcher_account) == [Kind.TALK_MENTION]  # only a mention the edit added


def test_a_mention_in_an_article_notifies_nobody(editor, watcher_account, edit):
    edit(editor, "Harbour", "See [[User:Wendy]].")
    assert _kinds(watcher_account) == []


def test_an_edit_to_my_talk_page_notifies_me_once(editor, watcher, watcher_account, edit):
    edit(editor, "User talk:Wendy", "Hello.")
    watcher.post("/notify/watch", {"title": "User talk:Wendy"})
    edit(editor, "User talk:Wendy", "Hello, [[User:Wendy]].")
    assert _kinds(watcher_account) == [Kind.USER_TALK_EDIT, Kind.USER_TALK_EDIT]


def test_nobody_sees_another_persons_notifications(editor, watcher, outsider, edit):
    edit(editor, "Harbour", "The harbour.")
    watcher.post("/notify/watch", {"title": "Harbour"})
    edit(editor, "Harbour", "The harbour, rebuilt.")
    response = outsider.get("/notify/")
    assert response.status_code == 200 and b"Harbour" not in response.content


def test_a_kind_switched_off_on_the_site_is_not_in_the_inbox(editor, watcher, watcher_account, edit):
    """C71 verify: web notifications of a type off → nothing of that type appears in the inbox."""
    edit(editor, "Harbour", "The harbour.")
    watcher.post("/notify/watch", {"title": "Harbour"})
    on = ["talk_mention:web", "user_talk_edit:web"]  # everything on the site but watched pages
    assert watcher.post("/notify/settings", {"switches": "1", "on": on}).status_code == 302

    edit(editor, "Harbour", "The harbour, rebuilt.")
    edit(editor, "Talk:Harbour", "I agree with [[User:Wendy]].")

    inbox = watcher.get("/notify/").content.decode()
    assert "You were mentioned" in inbox and "A page on your watchlist was edited" not in inbox
    assert _kinds(watcher_account) == [Kind.TALK_MENTION]  # nothing kept that would show nowhere


def test_every_kind_is_on_for_the_site_and_off_for_email_until_chosen(watcher):
    """C69, C71: the protective defaults, shown as they are."""
    page = watcher.get("/notify/settings").content.decode()

    for kind in SWITCHABLE_KINDS:  # every kind but the administrative notices, which are not switched (C64)
        assert f'value="{kind}:web" aria-label' in page
        assert re.search(rf'value="{kind}:web"[^>]*checked', page)
        assert not re.search(rf'value="{kind}:email"[^>]*checked', page)
