"""The site notices every page shows (C119, C84), and the one-time notice of a new version in force (C121).

There is no click-through: a logged-in person is told once that a new version is in effect, and their
account's record notes each version in force while they used Candor (PolicyUse). The session remembers the
version last noted, so that this costs a query only when the version in force changes.
"""

from django.utils.translation import gettext

from candor.governance import actions, queries
from candor.governance.models import PolicyVersion
from candor.governance.periods import day_of

SEEN_KEY = "candor_policy_seen"


def site_notices(request) -> dict:
    notices = queries.notices()
    texts = [(gettext(text) % values, link) for text, values, link in notices.items]
    context = {"site_notices": texts, "new_policy_version": None}
    user = getattr(request, "user", None)
    if notices.in_force is None or user is None or not user.is_authenticated:
        return context
    if request.session.get(SEEN_KEY) == notices.in_force:
        return context
    version = PolicyVersion.objects.filter(number=notices.in_force).first()
    if version is None:  # the memo is a few seconds old, and the version gone (only a test empties the table)
        return context
    first_use = actions.do_record_policy_use(user, version)
    if first_use and day_of(user.date_joined) < notices.in_force_since:
        context["new_policy_version"] = version
    request.session[SEEN_KEY] = notices.in_force
    return context
