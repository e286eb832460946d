from django.apps import AppConfig


class YourDataConfig(AppConfig):
    name = "candor.yourdata"
    label = "yourdata"
    verbose_name = "Your data"

    def ready(self):
        from candor.accounts import usernames
        from candor.yourdata import vanishing

        # An account's name before it vanished can never be taken again (C28).
        usernames.add_reservation(vanishing.is_reserved)
