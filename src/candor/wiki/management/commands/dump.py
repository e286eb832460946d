from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from candor.wiki import dump


class Command(BaseCommand):
    help = (
        "Write the public dump to FILE (gzipped JSON Lines): the pages that exist, their revisions with "
        "their public attribution, and the public logs; only columns the data map declares public (C95)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        target = options["file"]
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent} is not a directory: nothing was written.")
        try:
            counts = dump.write(target)
        except dump.UnclassifiedColumn as exc:
            raise CommandError(f"{exc} Nothing was written.") from exc
        rows = ", ".join(f"{count:,} rows of {model}" for model, count in counts.items())
        self.stdout.write(f"Wrote {target}: {rows}.")
