from django.core.management.base import BaseCommand

from candor.privacy.export import as_fideslang, as_text


class Command(BaseCommand):
    help = "Print the data map: every stored field, what it is, who sees it and how long it is kept."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["table", "fideslang"], default="table")

    def handle(self, *args, **options):
        self.stdout.write(as_fideslang() if options["format"] == "fideslang" else as_text(), ending="")
