"""The statistics app's tables: totals without identities, and the public releases made from them (C107).

Totals are kept indefinitely (C107): they hold no address, account, session or user agent, so no purge
applies to them. The raw totals are not shown to anyone; the public sees only the releases, whose
published cells carry noise and pass the threshold (C47, C94).
"""

from candor.privacy.register import (
    FOREVER,
    Erasure,
    Export,
    Field,
    LegalBasis,
    Table,
    Visibility,
    not_personal,
)


def _total(purpose: str) -> Field:
    """A column of a raw total: nothing about a person, kept forever, shown only through a release."""
    return not_personal(purpose, FOREVER, Visibility.PRIVATE)


def _public(purpose: str) -> Field:
    return not_personal(purpose, FOREVER, Visibility.PUBLIC)


DATAMAP = (
    Table(
        model="stats.PageViewCount",
        description="Page views per page, day and country: totals only, no reader in them",
        collected_when="use",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        fields={
            "id": _total("Identifies the total."),
            "day": _total("The day counted (UTC)."),
            "page": _total("The page viewed (its public title)."),
            "country": _total(
                "The country that registered the readers' addresses, found when each view was counted; the "
                "addresses are never kept."
            ),
            "views": _total("How many counted views; at most one a page and ten pages a day per browser."),
        },
    ),
    Table(
        model="stats.GeoEditorsCount",
        description="Editors and their edits per country, month and activity level: totals only",
        collected_when="contributions",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        fields={
            "id": _total("Identifies the total."),
            "month": _total("The month counted."),
            "country": _total(
                "The country most of each editor's edits came from, found from the private edit records "
                "before they expired; no address or account is kept."
            ),
            "activity": _total("The activity level: edits in the month."),
            "editors": _total("How many editors."),
            "edits": _total("How many edits they made."),
        },
    ),
    Table(
        model="stats.PrivacyBudget",
        description="The privacy budget of each dataset and period, and what its releases have spent",
        collected_when="system",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        fields={
            name: _public(purpose)
            for name, purpose in {
                "id": "Identifies the budget.",
                "dataset": "Which totals it protects.",
                "period_start": "The day or month it covers.",
                "rho": "What the releases of the period may spend in all (zero-concentrated DP).",
                "spent": "What they have spent.",
            }.items()
        },
    ),
    Table(
        model="stats.Release",
        description="A differentially private release: its query, mechanism, parameters, approval and output",
        collected_when="system",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        fields={
            **{
                name: _public(purpose)
                for name, purpose in {
                    "id": "Identifies the release.",
                    "dataset": "Which totals it is made from.",
                    "query": "What it counts.",
                    "period_start": "The first day it covers.",
                    "period_end": "The last day it covers.",
                    "engine": "Which library computed it.",
                    "mechanism": "How the noise is added.",
                    "rho": "The privacy loss it spends (zero-concentrated DP).",
                    "delta": "Its delta (zero for zero-concentrated DP without thresholds on the keys).",
                    "noise_scale": "The standard deviation of the noise in each cell.",
                    "keys_per_unit": "The contribution bound: how many cells one reader or editor changes.",
                    "per_key_bound": "And by how much each.",
                    "threshold": "Cells below it are not published.",
                    "keyset": "The keys answered, fixed before the data was read.",
                    "keys": "How many cells were computed.",
                    "cells": "How many were published.",
                    "reason": "Why it was made.",
                    "budget": "The budget it was charged to.",
                    "status": "Whether it is published.",
                    "created_at": "When it was approved.",
                    "published_at": "When it was published.",
                    "seconds": "How long it took to compute.",
                    "output": "The published cells, as CSV.",
                }.items()
            },
            "approved_by": Field(
                "user.account.username", Visibility.PUBLIC,
                "The steward who approved it, named in public like every privileged act on the wiki.",
                FOREVER, Export.PUBLIC_ALREADY, Erasure.KEEP_ATTRIBUTION,
            ),
        },
    ),
)  # fmt: skip
