"""Calendar days, as the policy counts its notice periods (docs/governance.md).

A calendar day is a UTC date. The day a notice goes out is day 0; a period of N calendar days has passed at
00:00 UTC of day N. So a 10-day notice sent at any time on 1 March allows the act from 11 March 00:00 UTC,
and refuses it until 10 March 23:59:59.
"""

from datetime import UTC, date, datetime, timedelta

from candor.privacy import clock

LEGAL_NOTICE_DAYS = 10  # C79
COMMENT_PERIOD_DAYS = 30  # C117
MINOR_NOTICE_DAYS = 3  # C120
TRANSFER_NOTICE_DAYS = 30  # C84
MIN_PROPOSAL_LANGUAGES = 3  # C118


def day_of(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def today() -> date:
    return day_of(clock.now())


def day_after(notice: date | datetime, days: int) -> date:
    """Day `days` counted from the notice's day 0: the first day on which the period has passed."""
    start = day_of(notice) if isinstance(notice, datetime) else notice
    return start + timedelta(days=days)
