"""Legal holds (C81): when the law requires keeping records past their window, an operator records a hold
with its scope, its reason, its start and its end. The purge skips what a hold covers until it ends.
The list of active holds is public (/privacy/holds), without the reason or the account concerned."""

from datetime import date

from django.db import transaction

from candor.privacy import clock
from candor.privacy.models import LegalHold
from candor.privacy.retention import expiring_tables


class HoldRefused(ValueError):
    pass


def do_place_legal_hold(*, model: str, records_from: date, records_to: date, starts_on: date, ends_on: date,
                        reason: str, placed_by: str, actor=None) -> LegalHold:  # fmt: skip
    expiring = {table.model: table for table in expiring_tables()}
    if model not in expiring:
        raise HoldRefused(
            f"{model} has no retention window to hold; choose one of: {', '.join(sorted(expiring))}"
        )
    if records_from > records_to:
        raise HoldRefused("The first day of the records held comes after the last.")
    if starts_on > ends_on:
        raise HoldRefused("The hold ends before it starts.")
    if len(reason.split()) < 3:
        raise HoldRefused("Say why the law requires the hold, in a few words at least.")
    if actor is not None and "actor" not in expiring[model].fields:
        raise HoldRefused(f"Records of {model} do not belong to one account; hold them all or none.")
    with transaction.atomic():
        return LegalHold.objects.create(
            model=model, actor=actor, records_from=records_from, records_to=records_to, reason=reason.strip(),
            starts_on=starts_on, ends_on=ends_on, placed_at=clock.now(), placed_by=placed_by,
        )  # fmt: skip


def do_end_legal_hold(hold: LegalHold, *, on: date) -> LegalHold:
    """End the hold on `on`; from the next purge on, the records' retention resumes."""
    if on < hold.starts_on:
        raise HoldRefused("A hold cannot end before it starts.")
    hold.ends_on = on
    hold.save(update_fields=["ends_on"])
    return hold


def active_holds_today() -> list[LegalHold]:
    today = clock.now().date()
    return list(
        LegalHold.objects.filter(starts_on__lte=today, ends_on__gte=today).order_by("starts_on", "id")
    )
