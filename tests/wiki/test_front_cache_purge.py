"""Issue 19 §2; C20, C99: a save or a deletion purges the URLs it changed from every front cache listed in
CANDOR_CDN_SERVERS, by a job queued on commit, as MediaWiki's $wgCdnServers. Here the cache is a recorder on
127.0.0.1; tests/wiki/test_front_cache_varnish.py shows the same through a real Varnish."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from candor.publiclog.titles import parse
from candor.wiki.actions import do_delete_page
from candor.wiki.tasks import PurgeFailed, purge_front_caches
from tests.privacy.test_protective_settings import _start_up
from tests.steps import revisions_of, save
from tests.wiki.purge_recorder import PurgeRecorder

QUAY_VIEWS = {
    "/wiki/Quay",
    "/wiki/Quay?action=history",
    "/wiki/Quay?action=history&feed=atom",
    "/wiki/Quay?action=history&feed=rss",
    "/wiki/Quay?action=raw",
}


def test_a_save_purges_the_page_its_history_and_raw_text_under_the_sites_host(
    front_cache, editor, django_capture_on_commit_callbacks, settings
):
    """C20: once the edit is committed, the cache is told to drop every shared view of the page's current
    state, under the Host readers use (CANDOR_SITE_URL), so that they see the new text at once."""
    settings.CANDOR_SITE_URL = "https://wiki.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        assert save(editor, "Quay", "Stone quay.").status_code == 303

    assert front_cache.urls == QUAY_VIEWS
    assert {host for host, _ in front_cache.purges} == {"wiki.example.org"}


def test_a_title_with_spaces_and_accents_is_purged_under_the_url_the_wiki_links_to(
    front_cache, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save(editor, "quai de la Tournelle é", "Un quai.")

    assert "/wiki/Quai_de_la_Tournelle_%C3%A9" in front_cache.urls


def test_a_deletion_purges_every_revision_and_diff_the_wiki_links_to(
    front_cache, editor, make_account, django_capture_on_commit_callbacks
):
    """C99: a page deleted (a privacy request, a libel) leaves no copy in the cache at any of its links."""
    save(editor, "Quay", "Stone quay.")
    save(editor, "Quay", "Stone quay, with a name that must go.")
    first, second = revisions_of("Quay")
    front_cache.purges.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert do_delete_page(make_account("Steward"), parse("Quay"), "Personal information")

    assert front_cache.urls == QUAY_VIEWS | {
        f"/wiki/Quay?oldid={first.id}",
        f"/wiki/Quay?oldid={second.id}",
        f"/wiki/Quay?diff={second.id}&oldid={first.id}",
        f"/wiki/Quay?diff={second.id}&oldid={second.id}",
    }


def test_nothing_is_queued_without_a_configured_cache(editor, jobs, django_capture_on_commit_callbacks):
    """The default (CANDOR_CDN_SERVERS empty) queues no job: a wiki without a front cache pays nothing."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        save(editor, "Quay", "Stone quay.")

    assert not [callback for callback in callbacks if "purge" in repr(callback)]


def test_a_cache_that_refuses_fails_the_job_after_the_others_are_purged(front_cache, settings):
    """A cache answering 403 (its ACL does not list the job worker) fails the job, for huey to retry and the
    worker's log to show; the caches that accept are purged all the same."""
    with PurgeRecorder(status=403) as refusing:
        settings.CANDOR_CDN_SERVERS = [
            ("127.0.0.1", refusing.server_address[1]),
            ("127.0.0.1", front_cache.server_address[1]),
        ]
        with pytest.raises(PurgeFailed, match="403"):
            purge_front_caches.call_local(["/wiki/Quay", "/wiki/Quay?action=history"])

    assert front_cache.urls == {"/wiki/Quay", "/wiki/Quay?action=history"}
    assert purge_front_caches.retries > 0 and purge_front_caches.retry_delay > 0


def test_the_caches_are_read_as_host_port_and_a_bad_entry_stops_start_up(monkeypatch, tmp_path):
    """CANDOR_CDN_SERVERS: empty by default; host:port pairs, IPv6 in brackets; anything else refused."""
    assert _start_up(monkeypatch, tmp_path)["CANDOR_CDN_SERVERS"] == []
    listed = _start_up(monkeypatch, tmp_path, CANDOR_CDN_SERVERS="127.0.0.1:6081, [::1]:6082")
    assert listed["CANDOR_CDN_SERVERS"] == [("127.0.0.1", 6081), ("::1", 6082)]

    for wrong in ("varnish", "127.0.0.1:http", "127.0.0.1:6081/purge"):
        with pytest.raises(ImproperlyConfigured, match="CANDOR_CDN_SERVERS"):
            _start_up(monkeypatch, tmp_path, CANDOR_CDN_SERVERS=wrong)
