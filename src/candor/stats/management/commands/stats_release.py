from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from candor.stats import actions, releases


class Command(BaseCommand):
    help = "Publish a differentially private statistics release (docs/statistics.md)."

    def add_arguments(self, parser):
        parser.add_argument("query", choices=sorted(releases.QUERIES))
        parser.add_argument(
            "period", type=date.fromisoformat, help="the day, or a month's first day (YYYY-MM-DD)"
        )
        parser.add_argument("--approved-by", required=True, help="the username of the steward approving it")
        parser.add_argument("--reason", required=True)
        parser.add_argument("--rho", type=float, default=None, help=f"default {releases.DEFAULT_RHO}")
        parser.add_argument("--threshold", type=int, default=None, help="default: the query's own")
        parser.add_argument(
            "--engine", choices=sorted(releases.MECHANISMS), default=None,
            help="opendp (in-process) or spark (Tumult, candor[spark]); default CANDOR_STATS_ENGINE",
        )  # fmt: skip

    def handle(self, *args, **options):
        approver = get_user_model().objects.filter(username=options["approved_by"]).first()
        if approver is None:
            raise CommandError(f"There is no account {options['approved_by']!r}.")
        try:
            release = actions.do_publish_release(
                options["query"], options["period"], approver=approver, reason=options["reason"],
                rho=options["rho"], threshold=options["threshold"], engine=options["engine"],
            )  # fmt: skip
        except actions.ReleaseRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(
            f"Published release {release.pk}: {release.cells} of {release.keys} cells, ρ={release.rho:.4f}, "
            f"σ={release.noise_scale:.2f}, on {release.engine} in {release.seconds:.1f} s: "
            f"/stats/releases/{release.pk}"
        )
