"""Reads of the governance records: the version in force, the archive, the site notices, the transparency
report, and the legal officers' private records (the views reach these only here, behind privacy.access's
gate)."""

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext, gettext_noop

from candor.governance.models import (
    Assessment,
    ChangeKind,
    ChangeStatus,
    ContactMessage,
    DemandKind,
    DemandStatus,
    EarlierPolicy,
    EmergencyDisclosure,
    LegalDemand,
    OwnershipTransfer,
    PolicyVersion,
    TransferStatus,
)
from candor.governance.periods import today

# Every page asks for the site notices: each process keeps them for a few seconds, and the actions that
# change them forget them at once in theirs; other processes see a change within NOTICES_SECONDS. A plain
# module-level memo, not Django's cache: the local-memory cache unpickles the value on every read, about
# 20 µs of the ~1.25 ms a page view costs; the memo costs about 4 µs (docs/governance.md).
NOTICES_SECONDS = 5
_memo: tuple[float, "Notices"] | None = None


def policy_in_force(on: date | None = None) -> PolicyVersion | None:
    """The adopted version with the latest effective date on or before `on` (default: today) (C114, C121)."""
    return (
        PolicyVersion.objects.filter(status=ChangeStatus.ADOPTED, effective_on__lte=on or today())
        .order_by("-effective_on", "-number")
        .first()
    )


@dataclass(frozen=True)
class ArchiveEntry:
    title: str
    link: str
    effective_from: date
    effective_from_label: str
    effective_until: date | None  # None: in force, or not yet
    approved_by: str = ""
    approved_on: date | None = None
    notice_override: str = ""
    upcoming: bool = False


def archive() -> list[ArchiveEntry]:
    """Every adopted version and every earlier policy, newest first; each one's range ends where the next
    one's begins (C116)."""
    adopted = list(
        PolicyVersion.objects.filter(status=ChangeStatus.ADOPTED).order_by("effective_on", "number")
    )
    entries = [
        ArchiveEntry(
            title=gettext("Version %(number)d") % {"number": version.number}
            + (f": {version.summary}" if version.summary else ""),
            link=f"/privacy/versions?number={version.number}",
            effective_from=version.effective_on,
            effective_from_label=f"{version.effective_on:%Y-%m-%d}",
            effective_until=following.effective_on if following else None,
            approved_by=version.approved_by,
            approved_on=version.approved_on,
            notice_override=version.notice_override,
            upcoming=version.effective_on > today(),
        )
        for version, following in zip(adopted, [*adopted[1:], None], strict=False)  # none adopted: none
    ]
    entries.reverse()
    entries += [
        ArchiveEntry(
            title=earlier.title,
            link=f"/privacy/versions?earlier={earlier.key}",
            effective_from=earlier.effective_from,
            effective_from_label=earlier.effective_from_label,
            effective_until=earlier.effective_until,
        )
        for earlier in EarlierPolicy.objects.all()
    ]
    return entries


def effective_until(version: PolicyVersion) -> date | None:
    following = (
        PolicyVersion.objects.filter(status=ChangeStatus.ADOPTED, effective_on__gt=version.effective_on)
        .order_by("effective_on")
        .first()
    )
    return following.effective_on if following else None


@dataclass(frozen=True)
class Notices:
    """What every page announces (C119, C84, C121), as of `day`."""

    day: date
    in_force: int | None  # the number of the version in force
    in_force_since: date | None
    # (text, its values, link): the text in English, marked with gettext_noop; the memo is shared by every
    # reader, so each page translates it into its reader's language (context_processors.site_notices).
    items: list[tuple[str, dict, str]] = field(default_factory=list)


def _notices_now() -> Notices:
    day = today()
    current = policy_in_force(day)
    items = [
        (gettext_noop("A change to the privacy policy is proposed (version %(number)d): read it and comment "
                      "until %(day)s."),
         {"number": version.number, "day": f"{version.comment_closes_on:%Y-%m-%d}"},
         f"/privacy/versions?number={version.number}")
        for version in PolicyVersion.objects.filter(
            kind=ChangeKind.SUBSTANTIAL, status=ChangeStatus.IN_COMMENT
        )
    ]  # fmt: skip
    items += [
        (gettext_noop("Version %(number)d of the privacy policy takes effect on %(day)s."),
         {"number": version.number, "day": f"{version.effective_on:%Y-%m-%d}"},
         f"/privacy/versions?number={version.number}")
        for version in PolicyVersion.objects.filter(status=ChangeStatus.ADOPTED, effective_on__gt=day)
    ]  # fmt: skip
    items += [
        (gettext_noop("Notice: personal information may move to new owners or a different privacy policy on "
                      "%(day)s."),
         {"day": f"{transfer.transfer_on:%Y-%m-%d}"}, "/privacy/announcements")
        for transfer in OwnershipTransfer.objects.filter(
            status=TransferStatus.ANNOUNCED, transfer_on__gte=day
        )
    ]  # fmt: skip
    return Notices(day, current.number if current else None, current.effective_on if current else None, items)


def notices() -> Notices:
    global _memo
    memo = _memo
    if memo is None or memo[0] < time.monotonic() or memo[1].day != today():
        memo = _memo = (time.monotonic() + NOTICES_SECONDS, _notices_now())
    return memo[1]


def forget_notices() -> None:
    global _memo
    _memo = None


@dataclass(frozen=True)
class HalfYear:
    label: str  # "2026 H1": January to June; "2026 H2": July to December (UTC)
    by_kind: list[tuple[str, int]]
    received: int
    contested: int
    partly_complied: int
    fully_complied: int
    users_notified: int


def transparency_report() -> list[HalfYear]:
    """Counts of legal demands per half-year of receipt, newest first: no names, no issuers (C76)."""
    rows = LegalDemand.objects.values_list("received_at", "kind", "status", "assessment", "users_notified")
    periods: dict[str, dict] = {}
    for received_at, kind, status, assessment, notified in rows:
        label = f"{received_at.year} H{1 if received_at.month <= 6 else 2}"
        period = periods.setdefault(label, {"kinds": Counter(), "counts": Counter()})
        period["kinds"][kind] += 1
        counts = period["counts"]
        counts["received"] += 1
        counts["contested"] += status == DemandStatus.CONTESTED
        disclosed = status == DemandStatus.DISCLOSED
        counts["partly"] += disclosed and assessment == Assessment.OVERBROAD
        counts["fully"] += disclosed and assessment == Assessment.VALID
        counts["notified"] += notified
    return [
        HalfYear(
            label=label,
            by_kind=[(kind.label, periods[label]["kinds"][kind.value]) for kind in DemandKind],
            received=periods[label]["counts"]["received"],
            contested=periods[label]["counts"]["contested"],
            partly_complied=periods[label]["counts"]["partly"],
            fully_complied=periods[label]["counts"]["fully"],
            users_notified=periods[label]["counts"]["notified"],
        )
        for label in sorted(periods, reverse=True)
    ]


# --- The legal officers' records (C76-C85, C123) ----------------------------------------------------------


def legal_demand(pk: int) -> LegalDemand | None:
    return LegalDemand.objects.filter(pk=pk).first()


def emergency_disclosure(pk: int) -> EmergencyDisclosure | None:
    return EmergencyDisclosure.objects.filter(pk=pk).first()


def ownership_transfer(pk: int) -> OwnershipTransfer | None:
    return OwnershipTransfer.objects.filter(pk=pk).first()


def legal_demands():
    return LegalDemand.objects.all()


def emergency_disclosures():
    return EmergencyDisclosure.objects.prefetch_related("subjects")


def contact_messages():
    """The privacy contact's queue, newest first (C123)."""
    return ContactMessage.objects.order_by("-at")
