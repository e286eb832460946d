from candor.governance.models import PolicyVersion
from candor.privacy import clock


def policy_in_force() -> PolicyVersion | None:
    """The newest version whose effective date has come."""
    return PolicyVersion.objects.filter(effective_on__lte=clock.now().date()).order_by("-number").first()
