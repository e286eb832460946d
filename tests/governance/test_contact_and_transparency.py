"""C123, C124: a privacy contact and its private, retention-limited queue; the right to complain.
C85: emergency disclosures. The public transparency report counts demands without naming anyone."""

from datetime import UTC, datetime, timedelta

import pytest

from candor.governance import actions
from candor.governance.actions import GovernanceRefused
from candor.governance.datamap import CONTACT_MESSAGES
from candor.governance.models import Assessment, ContactMessage, NoticeException
from candor.privacy import clock
from candor.privacy.disclosure import Basis, Disclosure, ProtectionReason
from candor.privacy.retention import purge
from tests.governance.conftest import bodies, recipients

COMPLAINT = "you also may have the right to lodge a complaint with a supervisory authority"


def test_the_policy_and_contact_pages_give_the_contact_and_the_right_to_complain(reader, settings):
    settings.CANDOR_PRIVACY_CONTACT = "privacy@candor.example"
    for url in ("/privacy", "/privacy/contact"):
        html = reader.get(url).content.decode()
        assert "privacy@candor.example" in html and COMPLAINT in html, url
    assert 'href="/privacy/contact"' in reader.get("/privacy").content.decode()


def test_a_message_to_the_privacy_contact_is_private_and_expires(reader, legal_officer, editor):
    secret = "canary-question-7d1f about my data"
    response = reader.post("/privacy/contact", {"reply_to": "q@example.org", "message": secret})

    assert response.status_code == 302 and ContactMessage.objects.get().message == secret
    for url in ("/privacy", "/privacy/contact?sent=1", "/privacy/versions", "/privacy/announcements",
                "/privacy/announcements/feed", "/privacy/transparency", "/privacy/data"):  # fmt: skip
        assert secret not in reader.get(url).content.decode(), url
        assert secret not in editor.get(url).content.decode(), url
    assert secret in legal_officer.client.get("/governance/contact-messages").content.decode()
    assert editor.get("/governance/contact-messages").status_code == 404
    assert reader.post("/privacy/contact", {"message": "  "}).status_code == 400
    sent_at = ContactMessage.objects.get().at
    with clock.frozen_at(sent_at + timedelta(days=364)):
        purge()
    assert ContactMessage.objects.exists()
    with clock.frozen_at(sent_at + CONTACT_MESSAGES.window + timedelta(days=1)):
        purge()
    assert not ContactMessage.objects.exists() and CONTACT_MESSAGES.window == timedelta(days=365)


def test_a_reported_privacy_problem_is_filed_in_the_queue_and_the_contact_is_told_without_its_text(
    reader, settings, smtp_server, jobs, django_capture_on_commit_callbacks
):
    """C63: the contact page invites reports of privacy problems; a report is a message in the privacy
    queue, and the privacy contact gets a mail saying that it waits, without its text or sender."""
    settings.CANDOR_PRIVACY_CONTACT = "privacy@candor.example"
    assert "Report a privacy problem" in reader.get("/privacy/contact").content.decode()
    report = "canary-report-5b20: a share button on Main Page loads a tracker"

    with django_capture_on_commit_callbacks(execute=True):
        reader.post("/privacy/contact", {"reply_to": "reporter@example.org", "message": report})

    waiting = ContactMessage.objects.get()
    assert waiting.message == report
    assert recipients(smtp_server) == ["privacy@candor.example"]
    (body,) = bodies(smtp_server)
    assert f"number {waiting.pk}" in body and "/governance/contact-messages" in body
    assert "canary-report-5b20" not in body and "reporter@example.org" not in body


def test_the_transparency_page_says_where_the_data_is_hosted(reader, settings):
    """C111: the hosting place is a setting, stated on the transparency page, or said to be unstated."""
    assert "has not stated where its servers are" in reader.get("/privacy/transparency").content.decode()

    settings.CANDOR_HOSTING_LOCATION = "Germany (Falkenstein)"

    page = reader.get("/privacy/transparency").content.decode()
    assert "are in: Germany (Falkenstein)." in page and "under the laws of that place" in page


def test_an_emergency_disclosure_is_the_minimum_approved_by_a_second_officer_and_logged(
    carol, legal_officer, second_legal_officer
):
    """C85: a sub-reason and a justification; the requester cannot approve; then on the disclosure log."""
    with pytest.raises(GovernanceRefused, match="justification"):
        actions.do_request_emergency(
            legal_officer.user, reason=ProtectionReason.IMMINENT_HARM, justification="urgent",
            recipient="Police", accounts="Carol", fields="accounts.User.email",
        )  # fmt: skip
    emergency = actions.do_request_emergency(
        legal_officer.user, reason=ProtectionReason.IMMINENT_HARM,
        justification="A credible threat to harm someone",
        recipient="Example Police", accounts="Carol", fields="accounts.User.email",
    )  # fmt: skip
    with pytest.raises(GovernanceRefused, match="not awaiting|once approved"):
        actions.do_disclose_emergency(legal_officer.user, emergency)
    with pytest.raises(GovernanceRefused, match="second legal officer"):
        actions.do_approve_emergency(legal_officer.user, emergency)
    actions.do_approve_emergency(second_legal_officer.user, emergency)
    package = actions.do_disclose_emergency(legal_officer.user, emergency).decode()

    assert "carol@example.org" in package and "date_joined" not in package
    disclosure = Disclosure.objects.get()
    assert (disclosure.basis, disclosure.protection_reason) == (
        Basis.PROTECTION,
        ProtectionReason.IMMINENT_HARM,
    )


def _demand(officer, account, *, kind, received, assessment=None, covered=(), notice=False, exception=None,
            approver=None):  # fmt: skip
    with clock.frozen_at(received):
        demand = actions.do_record_demand(
            officer.user, kind=kind, issuer="Court of Somewhere Secret", jurisdiction="Nowhere",
            accounts=[account.username], addresses="",
            fields=["accounts.User.email", "accounts.User.date_joined"],
            deadline=None,
        )  # fmt: skip
        if assessment:
            actions.do_assess_demand(
                officer.user, demand, assessment=assessment, reasons="Assessed by counsel today",
                fields_covered=covered,
            )  # fmt: skip
        if notice:
            actions.do_send_legal_notice(officer.user, demand)
        if exception:
            actions.do_claim_exception(
                officer.user, demand, exception=exception, justification="A gag order applies"
            )
            actions.do_approve_exception(approver.user, demand)
            actions.do_disclose_demand(officer.user, demand)
    return demand


def test_the_transparency_report_counts_per_half_year_without_names(
    carol, dave, legal_officer, second_legal_officer, smtp_server, reader
):
    h1, h2 = datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 8, 1, tzinfo=UTC)
    officers = {"officer": legal_officer}
    _demand(**officers, account=carol, kind="subpoena", received=h1, assessment=Assessment.INVALID)
    _demand(**officers, account=carol, kind="subpoena", received=h1, assessment=Assessment.VALID, notice=True)
    _demand(**officers, account=dave, kind="court_order", received=h1, assessment=Assessment.OVERBROAD,
            covered=["accounts.User.date_joined"], exception=NoticeException.LEGAL_RESTRAINT,
            approver=second_legal_officer)  # fmt: skip
    _demand(**officers, account=dave, kind="warrant", received=h2, assessment=Assessment.VALID,
            exception=NoticeException.THREAT_TO_LIFE, approver=second_legal_officer)  # fmt: skip
    _demand(**officers, account=dave, kind="other", received=h2)

    html = reader.get("/privacy/transparency").content.decode()
    rows = {row.split("</td>", 1)[0]: row for row in html.split("<tr><td>")[1:]}

    def cells(label: str) -> list[str]:
        return [cell.split("<")[0] for cell in rows[label].split("<td>")[1:]]

    # Subpoena, court order, warrant, other; received, contested, partly, fully, users notified.
    assert cells("2027 H1") == ["2", "1", "0", "0", "3", "1", "1", "0", "1"]
    assert cells("2027 H2") == ["0", "0", "1", "1", "2", "0", "0", "1", "0"]
    for private in ("Carol", "Dave", "Court of Somewhere Secret", "carol@example.org"):
        assert private not in html
