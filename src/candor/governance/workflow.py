"""The state machine every governance workflow shares (STYLE.md 6), after yourdata's DataRequest.move().

A model lists its legal moves in a transition table (`moves()`: state -> the states it may become) and the
date field each state stamps (`DATE_OF`). `move()` is the only place a status changes: it refuses a move the
table does not allow with IllegalMove (nothing written), stamps the new state's date the first time the
state is reached (a demand whose opposition ends returns to "notice sent" and keeps the day its notice
went out, from which the 10 days count), and saves the status, that date and the fields the move writes.
The actions check roles, reasons and notice periods, then call `move()` and write the log entry.
"""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext as _

from candor.privacy import clock


class GovernanceRefused(ValueError):
    """The move is not allowed now, or not as asked; nothing was written. The message says why."""


class IllegalMove(GovernanceRefused):
    """The workflow's transition table does not allow the move from the record's state."""


class Workflow(models.Model):
    """An abstract base: a concrete model declares `status`, `MOVES` (or `moves()`) and `DATE_OF`."""

    MOVES: ClassVar[dict[str, frozenset[str]]] = {}
    DATE_OF: ClassVar[dict[str, str]] = {}
    RETURNS: ClassVar[frozenset[tuple[str, str]]] = frozenset()

    class Meta:
        abstract = True

    def moves(self) -> dict[str, frozenset[str]]:
        return self.MOVES

    def can_move(self, to: str) -> bool:
        return to in self.moves().get(self.status, frozenset())

    def check_move(self, to: str, refusal: str = "") -> None:
        """IllegalMove with `refusal` (the action's own words) or a generic message, if `to` is illegal."""
        if not self.can_move(to):
            names = dict(self._meta.get_field("status").choices)
            raise IllegalMove(
                refusal
                or _("A %(record)s that is %(state)s cannot become %(to)s.")
                % {
                    "record": self._meta.verbose_name,
                    "state": names[self.status].lower(),
                    "to": names[to].lower(),
                }
            )

    def move(self, to: str, *, refusal: str = "", at=None, **fields) -> None:
        """Become `to`, writing `fields` with it; `at` is the moment stamped (default: now)."""
        self.check_move(to, refusal)
        for name, value in fields.items():
            setattr(self, name, value)
        written = ["status", *fields]
        date_field = self.DATE_OF.get(to)
        if date_field and (self.status, to) not in self.RETURNS:
            setattr(self, date_field, at or clock.now())
            written.append(date_field)
        self.status = to
        self.save(update_fields=written)
