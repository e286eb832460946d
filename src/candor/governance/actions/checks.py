"""What every governance action checks first: that the actor holds the role, and that a reason has words."""

from candor.governance.workflow import GovernanceRefused
from candor.privacy import access
from candor.privacy.roles import Role

MAX_COMMENT_CHARS = 10_000  # a comment on a proposal, or a message to the privacy contact


def require_role(actor, role: Role) -> None:
    if str(role) not in access.roles_of(actor):
        raise GovernanceRefused(f"Only a {role.label.lower()} may do this.")


def require_reason(text: str, what: str) -> str:
    """`text` with its spaces collapsed, by privacy.access's one rule for reasons; refused otherwise, saying
    `what` was asked for ("why the change is withdrawn")."""
    try:
        return access.check_reason(
            text, too_short=f"Write {what} of at least {access.MIN_REASON_WORDS} words."
        )
    except ValueError as refused:
        raise GovernanceRefused(str(refused)) from None
