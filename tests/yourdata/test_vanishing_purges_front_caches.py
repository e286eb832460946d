"""C28, C99 (issue 19 §2): a renaming purges, from every front cache of CANDOR_CDN_SERVERS, each URL where
the old name showed: the pages the person edited (a page names its last editor, a history every editor),
the links to each of their revisions, and their user pages, which move away from the old name."""

from candor.yourdata.models import DataRequest, Kind
from tests.steps import PASSWORD, revisions_of, save
from tests.yourdata.conftest import logged_in


def test_a_renaming_purges_every_url_that_showed_the_old_name(
    front_cache, make_account, outsider, steward, django_capture_on_commit_callbacks
):
    vanisher = make_account("Jane Realname")
    save(logged_in(vanisher), "Canal", "A canal.")
    save(outsider, "Canal", "A canal, with locks.")
    save(logged_in(vanisher), "User:Jane Realname", "I live by the canal.")
    (user_page,) = revisions_of("User:Jane Realname")
    assert logged_in(vanisher).post("/yourdata/rename", {"password": PASSWORD}).status_code == 302
    request = DataRequest.objects.get(kind=Kind.RENAME)
    front_cache.purges.clear()

    with django_capture_on_commit_callbacks(execute=True):
        answer = steward.post("/yourdata/queue", {"request": request.pk, "decision": "approve"})
    assert answer.status_code == 302

    hers, others = revisions_of("Canal")
    assert {"/wiki/Canal", "/wiki/Canal?action=history", f"/wiki/Canal?oldid={hers.id}"} <= front_cache.urls
    assert f"/wiki/Canal?diff={others.id}&oldid={hers.id}" in front_cache.urls
    assert f"/wiki/Canal?oldid={others.id}" not in front_cache.urls  # not hers: her name is not on it
    assert {
        "/wiki/User:Jane_Realname",
        "/wiki/User:Jane_Realname?action=history",
        f"/wiki/User:Jane_Realname?oldid={user_page.id}",
    } <= front_cache.urls
    assert not [url for url in front_cache.urls if "Renamed" in url]  # the new name was never cached
