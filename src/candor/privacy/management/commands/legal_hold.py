from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from candor.privacy import clock
from candor.privacy.holds import HoldRefused, active_holds_today, do_end_legal_hold, do_place_legal_hold
from candor.privacy.models import LegalHold


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Place, end or list legal holds: records the law requires to be kept past their retention window."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        place = actions.add_parser("place", help="place a hold")
        place.add_argument("--model", required=True, help="e.g. privacy.PrivateEvent")
        place.add_argument("--records-from", type=_day, required=True)
        place.add_argument("--records-to", type=_day, required=True)
        place.add_argument("--starts-on", type=_day, default=None)
        place.add_argument("--ends-on", type=_day, required=True)
        place.add_argument("--account", help="hold only this account's records")
        place.add_argument("--reason", required=True)
        place.add_argument("--by", required=True, help="the operator placing it")
        end = actions.add_parser("end", help="end a hold")
        end.add_argument("id", type=int)
        end.add_argument("--on", type=_day, required=True)
        actions.add_parser("list", help="list the holds in force")

    def handle(self, *args, **options):
        try:
            if options["action"] == "place":
                account = None
                if options["account"]:
                    account = get_user_model().objects.filter(username=options["account"]).first()
                    if account is None:
                        raise CommandError(f"There is no account {options['account']!r}.")
                hold = do_place_legal_hold(
                    model=options["model"],
                    records_from=options["records_from"],
                    records_to=options["records_to"],
                    starts_on=options["starts_on"] or clock.now().date(),
                    ends_on=options["ends_on"],
                    reason=options["reason"],
                    placed_by=options["by"],
                    actor=account,
                )
                self.stdout.write(f"Placed hold {hold.pk}: {hold}")
            elif options["action"] == "end":
                hold = LegalHold.objects.filter(pk=options["id"]).first()
                if hold is None:
                    raise CommandError(f"There is no hold {options['id']}.")
                self.stdout.write(f"Ended: {do_end_legal_hold(hold, on=options['on'])}")
            else:
                for hold in active_holds_today():
                    self.stdout.write(f"{hold.pk}: {hold}")
        except HoldRefused as refusal:
            raise CommandError(str(refusal)) from None
