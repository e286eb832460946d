from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from candor.governance.actions import GovernanceRefused, do_draft_attribution_addendum


class Command(BaseCommand):
    help = (
        "Draft the minor policy change that says how edits without an account are signed on this wiki "
        "(CANDOR_LOGGED_OUT_ATTRIBUTION, issue 18). Post it from /governance/policy like any minor change."
    )

    def add_arguments(self, parser):
        parser.add_argument("--by", required=True, help="the administrator drafting it (their username)")

    def handle(self, *args, **options):
        actor = get_user_model().objects.filter(username=options["by"]).first()
        if actor is None:
            raise CommandError(f"There is no account {options['by']!r}.")
        try:
            version = do_draft_attribution_addendum(actor)
        except GovernanceRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(f"Drafted version {version.number}: {version.summary}.")
