from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "candor.accounts"
    label = "accounts"

    def ready(self) -> None:
        from candor.accounts.blocks import account_is_blocked
        from candor.privacy.access import add_gate

        add_gate("blocked", account_is_blocked)
