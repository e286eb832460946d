import json
from datetime import UTC, datetime, time

from django.core.management.base import BaseCommand, CommandError

from candor.privacy import retention
from candor.privacy.locks import JobRunning
from candor.privacy.models import PurgeRun


def _moment(text: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of {text!r} is not a date (YYYY-MM-DD) or an ISO date and time") from None
    if len(text) == 10:
        parsed = datetime.combine(parsed.date(), time.min)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = (
        "Apply the data map's retention windows: destroy expired day keys, delete expired records. "
        "Prints what it would do unless given --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--yes", action="store_true", help="really destroy keys and delete records")
        parser.add_argument("--dry-run", action="store_true", help="only count (the default without --yes)")
        parser.add_argument("--as-of", type=_moment, help="apply the windows as of this date (UTC)")
        parser.add_argument("--short", action="store_true", help="only the short windows (hours)")
        parser.add_argument("--history", action="store_true", help="show the last reports and stop")
        parser.add_argument(
            "--batch-size", type=int, default=retention.BATCH_SIZE, help="rows per transaction"
        )

    def handle(self, *args, **options):
        if options["history"]:
            for run in PurgeRun.objects.order_by("-id")[:10]:
                when = f"{run.started_at:%Y-%m-%d %H:%M}"
                self.stdout.write(f"{when} {run.status:9} dry_run={run.dry_run} {json.dumps(run.counts)}")
            return
        dry_run = options["dry_run"] or not options["yes"]
        try:
            run = retention.purge(
                as_of=options["as_of"],
                dry_run=dry_run,
                short_only=options["short"],
                batch_size=options["batch_size"],
            )
        except JobRunning as exc:
            raise CommandError(f"Not started: {exc}.") from None
        for model, counts in run.counts.items():
            self.stdout.write(f"{model:28} " + " ".join(f"{key}={value}" for key, value in counts.items()))
        if dry_run:
            self.stdout.write("Dry run: nothing was destroyed or deleted. Add --yes to purge.")
