from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from candor.accounts.actions import AccountRefused, do_grant_role, do_remove_role
from candor.privacy.roles import Role


class Command(BaseCommand):
    help = "Grant (or with --remove, remove) a privileged role, as the operator. Logged publicly."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--reason", required=True, help="shown in the public rights log")
        parser.add_argument("--remove", action="store_true")

    def handle(self, *args, **options):
        target = get_user_model().objects.filter(username=options["username"]).first()
        if target is None:
            raise CommandError(f"There is no account {options['username']!r}.")
        change = do_remove_role if options["remove"] else do_grant_role
        try:
            change(target=target, role=options["role"], reason=options["reason"])
        except AccountRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(
            f"{'Removed' if options['remove'] else 'Granted'} {options['role']} for {target.username}."
        )
