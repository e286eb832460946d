"""Every governance write, one module per workflow: policy changes (policy.py), announcements and the announce
list (announcements.py), ownership transfers (transfers.py), legal demands (legal_demands.py), emergency
disclosures (emergencies.py) and messages to the privacy contact (contact.py).

The promised notice periods cannot be skipped by accident: each action checks the role, the reason and the
dates, refuses with GovernanceRefused (nothing written) when a period has not passed, a language is missing
or nobody was told, and otherwise moves the record through its model's `move()` (governance/workflow.py:
the transition table refuses an illegal move), writes one entry on the privileged-access log and queues its
mail, in one transaction. Periods are counted in calendar days (periods.py).

The names below are the app's public actions: callers import them from here.
"""

from candor.governance import announce_list
from candor.governance.actions.announcements import do_confirm_subscription, do_subscribe, do_unsubscribe
from candor.governance.actions.checks import MAX_COMMENT_CHARS
from candor.governance.actions.contact import do_send_contact_message
from candor.governance.actions.emergencies import (
    do_approve_emergency,
    do_disclose_emergency,
    do_request_emergency,
)
from candor.governance.actions.legal_demands import (
    disclosable_from,
    do_approve_exception,
    do_assess_demand,
    do_claim_exception,
    do_contest,
    do_disclose_demand,
    do_end_opposition,
    do_record_demand,
    do_record_user_opposing,
    do_send_legal_notice,
)
from candor.governance.actions.packages import ADDRESSES_FIELD, packageable_fields
from candor.governance.actions.policy import (
    do_add_translation,
    do_adopt_minor,
    do_adopt_substantial,
    do_comment,
    do_draft_attribution_addendum,
    do_draft_policy_change,
    do_open_comment,
    do_record_policy_use,
    do_withdraw,
)
from candor.governance.actions.transfers import (
    do_announce_transfer,
    do_cancel_transfer,
    do_org_transfer_export,
    transfer_exportable_from,
)
from candor.governance.workflow import GovernanceRefused, IllegalMove

__all__ = [
    "ADDRESSES_FIELD",
    "MAX_COMMENT_CHARS",
    "GovernanceRefused",
    "IllegalMove",
    "announce_list",
    "disclosable_from",
    "do_add_translation",
    "do_adopt_minor",
    "do_adopt_substantial",
    "do_announce_transfer",
    "do_approve_emergency",
    "do_approve_exception",
    "do_assess_demand",
    "do_cancel_transfer",
    "do_claim_exception",
    "do_comment",
    "do_confirm_subscription",
    "do_contest",
    "do_disclose_demand",
    "do_disclose_emergency",
    "do_draft_attribution_addendum",
    "do_draft_policy_change",
    "do_end_opposition",
    "do_open_comment",
    "do_org_transfer_export",
    "do_record_demand",
    "do_record_policy_use",
    "do_record_user_opposing",
    "do_request_emergency",
    "do_send_contact_message",
    "do_send_legal_notice",
    "do_subscribe",
    "do_unsubscribe",
    "do_withdraw",
    "packageable_fields",
    "transfer_exportable_from",
]
