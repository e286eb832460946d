from django.core.management.base import BaseCommand

from candor.wiki.sample import SAMPLE_PASSWORD, load_sample


class Command(BaseCommand):
    help = "Fill an empty wiki with a few sample pages (invented names, documentation IP addresses)."

    def handle(self, *args, **options):
        made = load_sample()
        if made:
            self.stdout.write(f"Loaded {made} sample revisions.")
            self.stdout.write(f"Sample accounts: Ada and Grace, password {SAMPLE_PASSWORD!r}.")
        else:
            self.stdout.write("The wiki already has pages; nothing loaded.")
