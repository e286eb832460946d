"""No lost edits: a save on a stale base is a conflict that keeps the editor's text, never an overwrite."""

import threading

import pytest
from django.db import connection

from candor.privacy.capture import RequestMeta
from candor.publiclog.titles import parse
from candor.wiki.actions import EditConflict, do_save_revision
from tests.steps import latest_id, revisions_of, save


def test_saving_on_a_stale_base_shows_a_conflict_with_the_text_kept(reader, editor):
    save(editor, "Pier", "The pier is long.")
    base = latest_id("Pier")
    save(editor, "Pier", "The pier is long and wooden.")

    response = save(reader, "Pier", "The pier is long and old.", "age", base=base)

    html = response.content.decode()
    assert response.status_code == 409
    assert 'id="edit-conflict"' in html
    assert "The pier is long and old." in html  # their text, in the form
    assert f'name="base" value="{latest_id("Pier")}"' in html  # ready to save on the new base
    assert [r.text for r in revisions_of("Pier")] == ["The pier is long.", "The pier is long and wooden."]


def test_after_a_conflict_saving_again_from_the_conflict_form_succeeds(reader, editor):
    save(editor, "Pier", "One.")
    base = latest_id("Pier")
    save(editor, "Pier", "Two.")
    save(reader, "Pier", "Three.", base=base)

    response = save(reader, "Pier", "Two and three.", base=latest_id("Pier"))

    assert response.status_code == 303
    assert revisions_of("Pier")[-1].text == "Two and three."


def test_creating_a_page_that_someone_else_just_created_is_a_conflict(reader, editor):
    form_base = latest_id("Pier")  # None: the page did not exist when the form opened
    save(editor, "Pier", "Alice got there first.")

    response = reader.post("/wiki/Pier?action=edit", {"text": "Me too.", "summary": "", "base": ""})

    assert form_base is None
    assert response.status_code == 409
    assert "Me too." in response.content.decode()
    assert [r.text for r in revisions_of("Pier")] == ["Alice got there first."]


def _race(title: str, base: int | None, rounds_texts: list[str]) -> list[str]:
    """Save each text from its own thread, all released at once on the same base."""
    outcomes: list[str] = []
    barrier = threading.Barrier(len(rounds_texts))

    def save_in_thread(number: int, text: str) -> None:
        try:
            barrier.wait(timeout=10)
            do_save_revision(
                title=parse(title),
                text=text,
                summary="race",
                base_revision_id=base,
                user=None,
                meta=RequestMeta.from_address(f"203.0.113.{number + 1}"),
            )
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save_in_thread, args=pair) for pair in enumerate(rounds_texts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_on_one_base_end_as_one_revision_and_conflicts_never_a_lost_update():
    do_save_revision(
        title=parse("Pier"),
        text="Start.",
        summary="",
        base_revision_id=None,
        user=None,
        meta=RequestMeta.from_address("192.0.2.1"),
    )
    for round_number in range(5):
        base = latest_id("Pier")
        texts = [f"Round {round_number}, writer {writer}." for writer in range(2)]

        outcomes = _race("Pier", base, texts)

        assert sorted(outcomes) == ["conflict", "saved"]
        latest = revisions_of("Pier")[-1]
        assert latest.parent_id == base  # built on the base everyone saw: nobody overwrote a save unseen
        assert latest.text in texts
    assert len(revisions_of("Pier")) == 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_of_one_page_end_as_one_page_and_a_conflict():
    outcomes = _race("Breakwater", None, ["First writer.", "Second writer."])

    assert sorted(outcomes) == ["conflict", "saved"]
    assert len(revisions_of("Breakwater")) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_to_different_pages_all_succeed():
    for name in ("North", "South"):
        do_save_revision(
            title=parse(name),
            text="Start.",
            summary="",
            base_revision_id=None,
            user=None,
            meta=RequestMeta.from_address("192.0.2.1"),
        )
    outcomes: list[str] = []
    threads = []
    for name in ("North", "South"):
        base = latest_id(name)
        thread = threading.Thread(
            target=lambda n=name, b=base: outcomes.extend(_race(n, b, [f"{n} changed."]))
        )
        threads.append(thread)
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes == ["saved", "saved"]
    assert len(revisions_of("North")) == len(revisions_of("South")) == 2
