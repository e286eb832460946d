from django.core.management.base import BaseCommand, CommandError

from candor.accounts.models import User
from candor.wiki import mwimport


class Command(BaseCommand):
    help = (
        "Import a MediaWiki XML dump (schema 0.10 or 0.11; .xml, .xml.gz, .xml.bz2, or - for standard "
        "input): its pages with their whole history and public attribution. Run again, it imports only what "
        "is missing. --dry-run reads it all, reports counts and problems, and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="count and check; write nothing")
        parser.add_argument("--by", metavar="USERNAME", help="the account the public import log names")
        parser.add_argument(
            "--username-prefix",
            default=mwimport.IMPORT_PREFIX,
            help="the prefix of imported authors' names (default: imported, as in imported>Name)",
        )

    def handle(self, *args, **options):
        performer = None
        if options["by"]:
            performer = User.objects.filter(username=options["by"]).first()
            if performer is None:
                raise CommandError(f"There is no account called {options['by']!r}: nothing was imported.")
        try:
            with mwimport.open_dump(options["file"]) as stream:
                report = mwimport.import_dump(
                    stream,
                    file_name=options["file"],
                    dry_run=options["dry_run"],
                    performer=performer,
                    prefix=options["username_prefix"],
                )
        except FileNotFoundError as exc:
            raise CommandError(f"{options['file']} does not exist: nothing was imported.") from exc
        except mwimport.ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        verb = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(f"{verb} from {report.source}: {report.summary()}.")
        for problem in report.problems:
            self.stdout.write(f"Problem: {problem}")
