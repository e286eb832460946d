"""Privileged roles, and the acceptance of the access-to-nonpublic-information policy (C89, C90).

The models live here, in the privacy engine, because its access gate (privacy/access.py) must read them
without importing any other app. Granting and removing a role is an action of the accounts app, which
also writes the public rights log.
"""

from candor.privacy.models.roles import AccessPolicyAcceptance as AccessPolicyAcceptance
from candor.privacy.models.roles import Role
from candor.privacy.models.roles import RoleAssignment as RoleAssignment

# The operator's access policy. Raising the version suspends every privileged user's access until they
# accept the new text (C90).
ACCESS_POLICY_VERSION = 1
ACCESS_POLICY_TEXT = """\
You may use nonpublic information only to fight vandalism, abuse and harassment, to protect the wiki and
its users, and as the law requires; never out of curiosity, never to expose anyone. Every lookup needs a
reason, is written to the privileged-access log before you see its result, and is read by your peers and
by the ombuds. You will not copy nonpublic information out of the tools except through the disclosure
process, and you will keep your account secured with a second factor."""


# Roles that see nonpublic information, and so need the policy and a second factor.
NONPUBLIC_ROLES = frozenset(
    {Role.CHECKUSER, Role.STEWARD, Role.OMBUDS, Role.LEGAL_OFFICER, Role.TEMPORARY_ACCOUNT_VIEWER}
)
