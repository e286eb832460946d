"""C114-C122, C64, C119, C125: a substantial change goes from draft to effect only through three languages,
a notice on every page and on the announce list, and a public comment period of at least 30 calendar days;
a minor change needs 3 calendar days' notice; the policy in force follows the clock."""

import json
import zipfile
from datetime import date, timedelta

import pytest

from candor.accounts.actions import do_block
from candor.governance import actions
from candor.governance.actions import GovernanceRefused
from candor.governance.models import Announcement, ChangeKind, ChangeStatus, PolicyUse, PolicyVersion
from candor.privacy import clock
from candor.privacy.audit import AccessEventType, AccessLogEntry
from candor.yourdata.export import build
from tests.governance.conftest import DAY_0, bodies, recipients

V2_TEXT = "# Privacy policy\n\nWe keep your address for 60 days.\nWe never sell data.\n"


def day(number: int, hour: int = 12, minute: int = 0):
    return DAY_0.replace(hour=hour, minute=minute) + timedelta(days=number)


def on_day(number: int) -> date:
    return DAY_0.date() + timedelta(days=number)


@pytest.fixture
def draft(administrator) -> PolicyVersion:
    with clock.frozen_at(day(-5)):
        version = actions.do_draft_policy_change(
            administrator.user,
            kind=ChangeKind.SUBSTANTIAL,
            summary="Addresses are kept for 60 days",
            text=V2_TEXT,
        )
        actions.do_add_translation(administrator.user, version, language="fr", text="Nous gardons l'adresse.")
    return version


def open_comments(administrator, version: PolicyVersion, closes_on: date):
    return administrator.client.post(
        "/governance/policy", {"action": "open", "number": version.number, "closes_on": closes_on.isoformat()}
    )


def test_comments_cannot_open_before_the_draft_is_in_three_languages(administrator, draft):
    """C118: en and fr only -> refused; add es -> the comment period opens, offering all three."""
    with clock.frozen_at(day(0)):
        refused = open_comments(administrator, draft, on_day(30))
        assert refused.status_code == 400
        assert "at least 3 languages" in refused.content.decode()

        actions.do_add_translation(administrator.user, draft, language="es", text="Guardamos la dirección.")
        assert open_comments(administrator, draft, on_day(30)).status_code == 302

    html = administrator.client.get(f"/privacy/versions?number={draft.number}").content.decode()
    for code in ("en", "fr", "es"):
        assert f"lang={code}" in html


@pytest.mark.parametrize(("closes_after", "opens"), [(29, False), (30, True), (31, True)])
def test_the_comment_period_lasts_at_least_30_calendar_days(administrator, draft, closes_after, opens):
    """C117: opened on day 0, comments may close on day 30 at the earliest."""
    actions.do_add_translation(administrator.user, draft, language="es", text="Guardamos la dirección.")
    with clock.frozen_at(day(0, hour=23, minute=59)):
        response = open_comments(administrator, draft, on_day(closes_after))

    draft.refresh_from_db()
    assert (response.status_code == 302) is opens
    assert (draft.status == ChangeStatus.IN_COMMENT) is opens


def test_opening_comments_announces_on_every_page_on_the_feed_and_by_mail(
    carol,
    dave,
    erin,
    frank,
    administrator,
    draft,
    reader,
    jobs,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    """C119, C64, C125: the notice is on every page for everyone, on the feed, and mailed to every confirmed
    address (not Erin's unconfirmed one); the period starts no earlier than the notice."""
    actions.do_add_translation(administrator.user, draft, language="es", text="Guardamos la dirección.")
    with clock.frozen_at(day(0)), django_capture_on_commit_callbacks(execute=True):
        assert open_comments(administrator, draft, on_day(30)).status_code == 302

    draft.refresh_from_db()
    announcement = Announcement.objects.get()
    assert announcement.at <= draft.announced_at
    for url in ("/wiki/Main_Page", "/privacy", "/accounts/login", "/wiki/Special:RecentChanges"):
        html = reader.get(url).content.decode()
        assert (
            f'href="/privacy/versions?number={draft.number}"'
            in html.split("<main>", 1)[1].split("</aside>")[0]
        )
        assert "comment until 2027-03-31" in html
    assert recipients(smtp_server) == ["carol@example.org", "dave@example.org"]
    assert all(f"/privacy/versions?number={draft.number}" in body for body in bodies(smtp_server))
    feed = reader.get("/privacy/announcements/feed")
    assert feed.status_code == 200 and announcement.subject in feed.content.decode()
    # Drafted, translated twice, announced: one entry a move.
    assert AccessLogEntry.objects.filter(event_type=AccessEventType.POLICY_CHANGE).count() == 4


@pytest.fixture
def proposal(administrator, draft) -> PolicyVersion:
    actions.do_add_translation(administrator.user, draft, language="es", text="Guardamos la dirección.")
    with clock.frozen_at(day(0)):
        return actions.do_open_comment(administrator.user, draft, closes_on=on_day(30))


def test_anyone_reads_the_proposal_and_logged_in_people_comment_while_it_is_open(proposal, reader, editor):
    """C117: at day 10 a reader sees the draft and the form's login link; Alice comments, publicly."""
    url = f"/privacy/versions?number={proposal.number}"
    with clock.frozen_at(day(10)):
        assert "We keep your address for 60 days." in reader.get(url).content.decode()
        assert reader.post(url, {"text": "Why 60?"}).status_code == 302  # to the login form
        assert editor.post(url, {"text": "Why 60 days and not 30?"}).status_code == 302

    html = reader.get(url).content.decode()
    assert "Why 60 days and not 30?" in html and "Alice" in html
    assert "Why 60?" not in html
    with clock.frozen_at(day(30, hour=0)):
        assert editor.post(url, {"text": "Too late?"}).status_code == 400


def test_a_proposal_cannot_be_adopted_before_its_period_closes_nor_take_effect_before(
    administrator, proposal
):
    """C117: adopting on day 29 is refused (closing comments early); on day 30, an effective date before the
    close is refused, one on or after it accepted."""
    with clock.frozen_at(day(29, hour=23, minute=59)):
        with pytest.raises(GovernanceRefused, match="cannot be cut short"):
            actions.do_adopt_substantial(
                administrator.user, proposal, approved_by="Board", effective_on=on_day(40)
            )
    with clock.frozen_at(day(30, hour=0)):
        with pytest.raises(GovernanceRefused, match="in the past"):
            actions.do_adopt_substantial(
                administrator.user, proposal, approved_by="Board", effective_on=on_day(29)
            )
        actions.do_adopt_substantial(
            administrator.user, proposal, approved_by="Board", effective_on=on_day(30)
        )

    proposal.refresh_from_db()
    assert proposal.status == ChangeStatus.ADOPTED
    assert (proposal.approved_on, proposal.effective_on) == (on_day(30), on_day(30))


def test_a_substantial_draft_cannot_skip_the_comment_period(administrator, draft):
    with pytest.raises(GovernanceRefused, match="comment period"):
        actions.do_adopt_substantial(administrator.user, draft, approved_by="Board", effective_on=on_day(40))
    with pytest.raises(GovernanceRefused, match="minor change"):
        actions.do_adopt_minor(administrator.user, draft, approved_by="Board", effective_on=on_day(40))


@pytest.fixture
def adopted(administrator, proposal) -> PolicyVersion:
    with clock.frozen_at(day(31)):
        return actions.do_adopt_substantial(
            administrator.user, proposal, approved_by="Maria Example", effective_on=on_day(40)
        )


def test_the_stable_address_shows_the_version_in_force_by_the_clock(adopted, reader):
    """C114, C115: at day 39 /privacy shows version 1 and announces version 2; at day 40 it shows version 2,
    with who approved it and when it went into effect."""
    with clock.frozen_at(day(39, hour=23, minute=59)):
        html = reader.get("/privacy").content.decode()
        assert "It is version 1," in html
        assert f"Version {adopted.number} of the privacy policy takes effect on 2027-04-10" in html
    with clock.frozen_at(day(40, hour=0)):
        html = reader.get("/privacy").content.decode()
        assert "It is version 2," in html
        assert "approved by Maria Example on April 1, 2027" in html
        assert "went into effect on April 10, 2027" in html


def test_the_archive_ranges_follow_one_another_and_old_versions_keep_their_text(adopted, reader):
    """C116: v1 is listed "effective from 2018-05-24 until 2027-04-10"; every range ends where the next
    begins, down to the five earlier policies; v1's permanent address returns its text."""
    from candor.governance.queries import archive

    with clock.frozen_at(day(41)):
        entries = archive()
        html = reader.get("/privacy/versions").content.decode()
    assert [entry.title.split(":")[0] for entry in entries][:2] == ["Version 2", "Version 1"]
    assert len(entries) == 7
    for newer, older in zip(entries, entries[1:], strict=False):
        assert older.effective_until == newer.effective_from
    assert "effective from 2018-05-24 until 2027-04-10" in html
    assert "effective from April 2005 until 2006-06-21" in html
    version_1 = PolicyVersion.objects.get(number=1)
    assert (
        "we believe that you shouldn’t have to provide personal information"
        in reader.get("/privacy/versions?number=1").content.decode()
    )
    earlier = reader.get("/privacy/versions?earlier=2014-06").content.decode()
    assert "Effective from June 6, 2014 until May 24, 2018" in earlier
    assert version_1.effective_on == date(2018, 5, 24)


def test_the_diff_shows_what_changed_between_two_versions(adopted, reader):
    """C122."""
    html = reader.get(f"/privacy/diff?from=1&to={adopted.number}").content.decode()

    assert '<tr class="added">' in html and "We keep your address for 60 days." in html
    assert '<tr class="removed">' in html
    assert reader.get("/privacy/diff?from=1&to=99").status_code == 404


def test_a_translation_is_marked_and_links_the_english_original(adopted, reader):
    """C12."""
    html = reader.get(f"/privacy/versions?number={adopted.number}&lang=fr").content.decode()

    assert "Nous gardons l'adresse." in html
    assert "the original English version takes precedence" in html
    assert f'href="/privacy/versions?number={adopted.number}&amp;lang=en"' in html or "lang=en" in html


def test_drafts_are_not_public(draft, reader):
    assert reader.get(f"/privacy/versions?number={draft.number}").status_code == 404


@pytest.fixture
def minor_draft(administrator) -> PolicyVersion:
    return actions.do_draft_policy_change(
        administrator.user, kind=ChangeKind.MINOR, summary="A typo fixed", text="# Privacy policy\n\nFixed.\n"
    )


@pytest.mark.parametrize(("effective_after", "accepted"), [(2, False), (3, True), (4, True)])
def test_a_minor_change_is_announced_three_calendar_days_ahead(
    administrator, minor_draft, effective_after, accepted
):
    """C120: notice at day 0 -> effective day 2 refused, day 3 accepted."""
    with clock.frozen_at(day(0, hour=23, minute=59)):
        response = administrator.client.post(
            "/governance/policy",
            {"action": "adopt_minor", "number": minor_draft.number, "approved_by": "Legal",
             "effective_on": on_day(effective_after).isoformat()},
        )  # fmt: skip
    assert (response.status_code == 302) is accepted
    assert Announcement.objects.exists() is accepted


def test_a_minor_change_with_less_notice_records_why_and_the_archive_shows_it(
    administrator, minor_draft, reader
):
    """C120: an override with a reason is accepted; the reason is in the version record and the archive."""
    with clock.frozen_at(day(0)):
        with pytest.raises(GovernanceRefused, match="at least 3 words"):
            actions.do_adopt_minor(
                administrator.user,
                minor_draft,
                approved_by="Legal",
                effective_on=on_day(1),
                override="urgent",
            )
        actions.do_adopt_minor(
            administrator.user, minor_draft, approved_by="Legal", effective_on=on_day(1),
            override="A court ruling took effect overnight",
        )  # fmt: skip
        html = reader.get("/privacy/versions").content.decode()

    assert "short notice: A court ruling took effect overnight" in html


def test_logged_in_people_are_told_once_that_a_new_version_is_in_effect(
    adopted, editor, editor_account, reader
):
    """C121: no click-through; Alice, who joined under version 1, is told once; her record lists both."""
    editor_account.date_joined = DAY_0 - timedelta(days=100)
    editor_account.save(update_fields=["date_joined"])
    with clock.frozen_at(day(39)):
        assert "is now in effect" not in editor.get("/wiki/Main_Page").content.decode()
    with clock.frozen_at(day(40)):
        first = editor.get("/wiki/Main_Page").content.decode()
        second = editor.get("/wiki/Main_Page").content.decode()
        anonymous = reader.get("/wiki/Main_Page").content.decode()

    assert "Version 2 of the privacy policy is now in effect" in first
    assert "is now in effect" not in second and "is now in effect" not in anonymous
    used = PolicyUse.objects.filter(user=editor_account).values_list("version__number", flat=True)
    assert sorted(used) == [1, 2]


def test_a_withdrawn_proposal_leaves_the_site_notice(administrator, proposal, reader):
    with clock.frozen_at(day(5)):
        assert "comment until" in reader.get("/wiki/Main_Page").content.decode()
        actions.do_withdraw(administrator.user, proposal, reason="We will rewrite it first")
        assert "comment until" not in reader.get("/wiki/Main_Page").content.decode()


def test_a_blocked_account_cannot_comment(administrator, proposal, editor):
    do_block(
        performer=administrator.user, target="Alice", duration=None, reason="Repeated vandalism of pages"
    )

    with clock.frozen_at(day(10)):
        response = editor.post(f"/privacy/versions?number={proposal.number}", {"text": "Let me in"})

    assert response.status_code == 400 and "blocked" in response.content.decode()


def test_the_versions_an_account_used_are_in_its_copy_of_its_data(adopted, editor, editor_account, tmp_path):
    """C121, C109: the record of the versions in force while Alice used Candor is hers to download."""
    with clock.frozen_at(day(39)):
        editor.get("/wiki/Main_Page")
    with clock.frozen_at(day(40)):
        editor.get("/wiki/Main_Page")

    with clock.frozen_at(day(41)):
        counts = build(editor_account, tmp_path / "alice.zip")
    with zipfile.ZipFile(tmp_path / "alice.zip") as archive:
        rows = json.loads(archive.read("data.json"))["tables"]["governance.PolicyUse"]["rows"]

    assert counts["governance.PolicyUse"] == 2
    assert [row["first_used_at"][:10] for row in rows] == ["2027-04-09", "2027-04-10"]
