"""C77: sharing on a person's permission needs their permission for that purpose, to that recipient, for
those fields; it is given on a page that shows what would be shared, never pre-ticked, and can be taken
back."""

import pytest
from django.test import Client

from candor.privacy import clock
from candor.privacy.disclosure import Basis, DisclosureRefused, SharingPermission, disclose
from candor.privacy.models import EventType, PrivateEvent
from candor.privacy.roles import Role, RoleAssignment

BADGE = {
    "purpose": "conference-badge",
    "recipient": "Example Wikiconference",
    "fields": "accounts.User.email",
}


@pytest.fixture
def legal_officer(make_account):
    officer = make_account("Lena")
    RoleAssignment.objects.create(user=officer, role=Role.LEGAL_OFFICER, granted_at=clock.now())
    return officer


def _share(officer, subject, *, purpose="conference-badge", recipient="Example Wikiconference", fields=None):
    return disclose(
        basis=Basis.USER_PERMISSION, operator=officer, subjects=[subject], recipient=recipient,
        fields=fields or ["accounts.User.email"], justification="Printing her badge, as she asked",
        permission_purpose=purpose, produce=lambda: "shared",
    )  # fmt: skip


def test_a_permission_covers_its_purpose_recipient_and_fields_until_it_is_taken_back(
    editor, editor_account, legal_officer
):
    asked = editor.get("/yourdata/sharing", BADGE).content.decode()
    assert "Example Wikiconference" in asked and "conference-badge" in asked
    assert not SharingPermission.objects.exists()  # showing it grants nothing
    with pytest.raises(DisclosureRefused, match="no permission in force"):
        _share(legal_officer, editor_account)

    assert editor.post("/yourdata/sharing", {**BADGE, "grant": "1"}).status_code == 302

    assert _share(legal_officer, editor_account) == "shared"
    for other in [
        {"purpose": "newsletter-partner"},
        {"recipient": "Another Conference"},
        {"fields": ["accounts.User.email", "accounts.User.date_joined"]},
    ]:
        with pytest.raises(DisclosureRefused, match="no permission in force"):
            _share(legal_officer, editor_account, **other)

    (permission,) = SharingPermission.objects.all()
    editor.post("/yourdata/sharing", {"revoke": permission.pk})
    with pytest.raises(DisclosureRefused, match="no permission in force"):
        _share(legal_officer, editor_account)
    assert "Taken back" in editor.get("/yourdata/sharing").content.decode()
    events = PrivateEvent.objects.filter(target=f"sharing:{permission.pk}").values_list(
        "event_type", flat=True
    )
    assert sorted(events) == [EventType.CONSENT_GRANTED, EventType.CONSENT_WITHDRAWN]


def test_a_disclosure_on_permission_must_name_the_purpose(editor_account, legal_officer):
    with pytest.raises(DisclosureRefused, match="names the purpose"):
        _share(legal_officer, editor_account, purpose="")


def test_nobody_else_can_see_or_take_back_a_persons_permission(editor, outsider):
    editor.post("/yourdata/sharing", {**BADGE, "grant": "1"})
    (permission,) = SharingPermission.objects.all()

    assert "Example Wikiconference" not in outsider.get("/yourdata/sharing").content.decode()
    assert outsider.post("/yourdata/sharing", {"revoke": permission.pk}).status_code == 404
    assert Client().get("/yourdata/sharing").status_code == 302  # to log in
    permission.refresh_from_db()
    assert permission.revoked_at is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"recipient": ""}, "names its purpose and its recipient"),
        ({"fields": "accounts.User.shoe_size"}, "not a field"),
    ],
)
def test_an_incomplete_request_is_refused_with_a_clear_error(editor, change, message):
    response = editor.post("/yourdata/sharing", {**BADGE, **change, "grant": "1"})

    assert response.status_code == 400 and message in response.content.decode()
    assert not SharingPermission.objects.exists()
