"""What every governance action checks first: that the actor holds the role, and that a reason has words."""

from django.utils.translation import gettext as _

from candor.governance.workflow import GovernanceRefused
from candor.privacy import access
from candor.privacy.roles import Role

MAX_COMMENT_CHARS = 10_000  # a comment on a proposal, or a message to the privacy contact


def require_role(actor, role: Role) -> None:
    if str(role) not in access.roles_of(actor):
        raise GovernanceRefused(_("Only a %(role)s may do this.") % {"role": role.label.lower()})


def require_reason(text: str, too_short: str) -> str:
    """`text` with its spaces collapsed, by privacy.access's one rule for reasons; refused otherwise with
    `too_short`, a translated sentence saying what was asked for, with %(words)d for the least number of
    words ("Say why the change is withdrawn, in at least %(words)d words.")."""
    try:
        return access.check_reason(text, too_short=too_short % {"words": access.MIN_REASON_WORDS})
    except ValueError as refused:
        raise GovernanceRefused(str(refused)) from None
