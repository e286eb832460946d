from datetime import date

from django.core.management.base import BaseCommand, CommandError

from candor.stats import actions


class Command(BaseCommand):
    help = "Count a month's editors per country from the private edit records, before they expire (C107)."

    def add_arguments(self, parser):
        parser.add_argument("month", type=date.fromisoformat, help="the month's first day (YYYY-MM-DD)")

    def handle(self, *args, **options):
        try:
            rows = actions.do_record_geoeditors(options["month"])
        except ValueError as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(f"Kept {len(rows)} totals for {options['month']:%Y-%m}.")
