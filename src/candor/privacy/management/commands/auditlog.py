from django.core.management.base import BaseCommand

from candor.privacy import audit


class Command(BaseCommand):
    help = "Check the privileged-access log: every entry unchanged, none removed or moved (C88)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("verify", help="walk the hash chain; name the first bad entry")

    def handle(self, *args, **options):
        result = audit.verify()
        if result.ok:
            self.stdout.write(f"OK: {result.checked} entries")
            return
        self.stdout.write(f"BROKEN at entry {result.first_bad_id}: {result.problem}")
        raise SystemExit(1)
