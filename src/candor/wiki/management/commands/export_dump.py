from django.core.management.base import BaseCommand, CommandError

from candor.wiki import mwexport


class Command(BaseCommand):
    help = (
        "Write the wiki's public content as MediaWiki XML (schema 0.11) to FILE (.xml, .xml.gz, .xml.bz2, "
        "or - for standard output): every page that exists with its whole history (--current: the latest "
        "revision only), attributed as the site shows it. MediaWiki's importDump.php and candor import_dump "
        "read it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--current", action="store_true", help="only each page's latest revision")

    def handle(self, *args, **options):
        try:
            counts = mwexport.write_file(options["file"], current_only=options["current"], stdout=self.stdout)
        except (mwexport.NotPublic, OSError) as exc:
            raise CommandError(f"{exc} Nothing was written.") from exc
        if options["file"] != "-":
            self.stdout.write(
                f"Wrote {options['file']}: {counts['pages']:,} pages, {counts['revisions']:,} revisions."
            )
