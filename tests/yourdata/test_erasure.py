"""C110, C26: Alice sees beforehand exactly what an erasure deletes and what stays, confirms with her
password, and a job erases every deletable value the data map marks so; her contributions stay attributed
to her, a legal hold keeps what it covers (and she is told), and nothing of Bob's is touched."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models

from candor.accounts.mail import verified_email
from candor.notify.models import Notification, NotificationSettings, Response, Watch
from candor.privacy import clock
from candor.privacy.capture import unseal
from candor.privacy.consent import Consent
from candor.privacy.holds import do_place_legal_hold
from candor.privacy.models import PrivateEvent
from candor.wiki.models import Revision
from candor.yourdata.models import DataRequest, State
from tests.steps import PASSWORD
from tests.yourdata.conftest import logged_in


def _every_stored_text() -> str:
    """Every value of every row of every table, as text, with the private events unsealed."""
    parts = []
    for model in apps.get_models():
        names = [field.attname for field in model._meta.concrete_fields]
        parts += [" ".join(map(str, row)) for row in model.objects.values_list(*names)]
    parts += [str(unseal(event)) for event in PrivateEvent.objects.all()]
    return "\n".join(parts)


def _erase(client, capture):
    with capture(execute=True):
        return client.post("/yourdata/erasure", {"password": PASSWORD})


@pytest.fixture
def erased(alice, bob, django_capture_on_commit_callbacks):
    client = logged_in(alice.user)
    revisions = Revision.objects.filter(user=alice.user).count()
    assert _erase(client, django_capture_on_commit_callbacks).status_code == 302
    alice.user.refresh_from_db()
    return client, revisions


def test_the_erasure_leaves_no_deletable_value_behind(alice, bob, erased):
    stored = _every_stored_text()
    for canary in alice.canaries():
        assert canary not in stored, f"{canary} survived the erasure"
    for canary in bob.canaries():
        assert canary in stored, f"Bob's {canary} was erased with Alice's data"
    for model in (Watch, Notification, NotificationSettings, Consent, Response):
        assert not model.objects.filter(user=alice.user).exists(), model.__name__
    assert not PrivateEvent.objects.filter(actor=alice.user).exists()
    assert alice.user.email is None and verified_email(alice.user) is None
    assert alice.user.time_zone == "UTC" and not alice.user.has_usable_password()


def test_every_contribution_keeps_its_author(alice, erased):
    """C26: the account stays, with its name on its revisions; no revision is left without an author."""
    _, revisions = erased
    assert Revision.objects.filter(user=alice.user).count() == revisions > 0
    assert not Revision.objects.filter(user__isnull=True, ip__isnull=True).exists()
    history = logged_in(alice.user).get(f"/wiki/{alice.page.replace(' ', '_')}?action=history")
    assert "Alice" in history.content.decode()


def test_the_person_is_logged_out_and_the_request_is_kept_as_the_record(alice, erased):
    client, _ = erased
    assert client.get("/yourdata/").status_code == 302
    (request,) = DataRequest.objects.filter(user=alice.user)
    assert request.state == State.COMPLETED and request.completed_at is not None


def test_the_preview_says_what_goes_and_what_stays(alice, bob):
    page = logged_in(alice.user).get("/yourdata/erasure").content.decode()
    assert "A page on your watchlist" in page and "Deleted" in page
    assert "An edit (a revision of a page)" in page and "Kept: user" in page
    assert "Emptied: password, email" in page
    assert alice.email not in page  # it says what goes, not the values


def test_a_legal_hold_keeps_what_it_covers_and_the_person_is_told(alice, django_capture_on_commit_callbacks):
    today = clock.now().date()
    do_place_legal_hold(
        model="privacy.PrivateEvent", records_from=today, records_to=today, starts_on=today,
        ends_on=today + timedelta(days=90), reason="A court order preserves these records", placed_by="Legal",
        actor=alice.user,
    )  # fmt: skip
    held = PrivateEvent.objects.filter(actor=alice.user).count()
    client = logged_in(alice.user)
    assert "the law requires it (a legal hold)" in client.get("/yourdata/erasure").content.decode()
    _erase(client, django_capture_on_commit_callbacks)
    assert PrivateEvent.objects.filter(actor=alice.user).count() == held > 0
    assert not Watch.objects.filter(user=alice.user).exists()


def test_a_wrong_password_erases_nothing(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(alice.user).post("/yourdata/erasure", {"password": "guess"}, follow=True)
    assert "That is not your password" in response.content.decode()
    assert Watch.objects.filter(user=alice.user).exists()
    assert not DataRequest.objects.exists()


def test_every_field_the_map_deletes_can_be_emptied_or_its_rows_deleted():
    """A field added later with Erasure.DELETE or CLEAR on a kept row must have an empty value."""
    from candor.privacy.register import Erasure, tables_about_a_person
    from candor.yourdata.erasure import blank_value

    for table in tables_about_a_person():
        personal = {n: f for n, f in table.fields.items() if f.erasure != Erasure.NOT_PERSONAL}
        if all(f.erasure == Erasure.DELETE for f in personal.values()):
            continue
        model = apps.get_model(table.model)
        for name, declared in personal.items():
            if declared.erasure in (Erasure.DELETE, Erasure.CLEAR):
                field = model._meta.get_field(name)
                assert isinstance(field, models.Field)
                blank_value(field)  # raises ValueError if it cannot be emptied


def test_a_copy_waiting_for_its_download_is_deleted_with_the_rest(
    alice, export_dir, django_capture_on_commit_callbacks
):
    client = logged_in(alice.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/yourdata/export", {"password": PASSWORD})
    assert len(list(export_dir.iterdir())) == 1
    _erase(client, django_capture_on_commit_callbacks)
    assert list(export_dir.iterdir()) == []
    assert not DataRequest.objects.exclude(export_file="").exists()
