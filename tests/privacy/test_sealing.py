"""DESIGN.md §3: private values are sealed under the key of their day; without the key they are gone."""

from datetime import date

import pytest
from cryptography.exceptions import InvalidTag

from candor.privacy import sealing
from candor.privacy.capture import unseal
from candor.privacy.keystore import keystore
from candor.privacy.models import EventType, PrivateEvent
from tests.steps import EDITOR_ADDRESS, EDITOR_AGENT, opened, save


def test_an_edit_seals_address_and_agent_so_the_row_alone_reveals_nothing(editor):
    save(editor, "Dock", "Text.")

    event = PrivateEvent.objects.get(event_type=EventType.EDIT)
    raw = bytes(event.sealed)
    assert EDITOR_ADDRESS.encode() not in raw and EDITOR_AGENT.encode() not in raw
    assert (opened(event).ip, opened(event).user_agent) == (EDITOR_ADDRESS, EDITOR_AGENT)


def test_without_its_day_key_a_sealed_value_is_unreadable(editor):
    save(editor, "Dock", "Text.")
    event = PrivateEvent.objects.get(event_type=EventType.EDIT)

    assert keystore().destroy(event.sealed_on)

    assert unseal(event) is None
    assert not keystore().destroy(event.sealed_on)  # destroying twice is harmless


def test_a_sealed_value_cannot_be_opened_as_another_days(db):
    blob = sealing.seal({"ip": "192.0.2.1"}, date(2026, 3, 1))
    keystore().get_or_create(date(2026, 3, 2))
    (keystore().directory / "2026-03-02.key").write_bytes(
        (keystore().directory / "2026-03-01.key").read_bytes()
    )

    with pytest.raises(InvalidTag):
        sealing.unseal(blob, date(2026, 3, 2))  # the same key bytes, but the day is bound in


def test_keys_live_in_their_own_directory_with_owner_only_permissions(editor, settings):
    save(editor, "Dock", "Text.")

    [key_file] = list(settings.CANDOR_KEY_DIR.iterdir())
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert settings.CANDOR_KEY_DIR.stat().st_mode & 0o777 == 0o700
    assert len(key_file.read_bytes()) == 32


def test_two_processes_making_the_same_days_key_end_with_one_key(db, settings):
    from candor.privacy.keystore import KeyStore

    first, second = KeyStore(settings.CANDOR_KEY_DIR), KeyStore(settings.CANDOR_KEY_DIR)

    assert first.get_or_create(date(2026, 5, 5)) == second.get_or_create(date(2026, 5, 5))
    assert [p.name for p in settings.CANDOR_KEY_DIR.iterdir()] == ["2026-05-05.key"]
