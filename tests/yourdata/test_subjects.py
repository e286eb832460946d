"""C109, C110: every table holding owner-only or private personal data says which account each row is
about, so that a person's copy and erasure cannot miss a table added later: `manage.py check` fails
(privacy.E007) when one does not."""

import dataclasses

from django.core.checks import run_checks

from candor.privacy import checks, register


def _without_subject(model: str, monkeypatch) -> list[str]:
    original = list(register.tables())
    changed = [dataclasses.replace(t, subject=None) if t.model == model else t for t in original]
    monkeypatch.setattr(checks, "tables", lambda: iter(changed))
    return [error.msg for error in run_checks() if error.id == "privacy.E007"]


def test_a_private_table_without_a_subject_fails_the_check(monkeypatch):
    assert _without_subject("notify.Watch", monkeypatch) == [
        "notify.Watch holds owner-only or private personal fields but declares no subject."
    ]


def test_a_table_of_public_or_system_fields_needs_no_subject(monkeypatch):
    assert _without_subject("wiki.SearchEntry", monkeypatch) == []


def test_the_data_map_declares_every_subject_it_needs():
    assert [error.msg for error in run_checks() if error.id == "privacy.E007"] == []
    assert {t.model: t.subject for t in register.tables_about_a_person()}.items() >= {
        "accounts.User": "pk",
        "privacy.PrivateEvent": "actor",
        "notify.Answer": "response__user",
        "yourdata.DataRequest": "user",
    }.items()
