from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models

from candor.accounts import usernames
from candor.privacy import clock


class UserManager(BaseUserManager["User"]):
    def create_user(self, username: str, password: str | None = None, email: str | None = None) -> "User":
        name = usernames.validate(username)
        user = self.model(
            username=name,
            username_skeleton=usernames.skeleton(name),
            email=self.normalize_email(email) if email else None,
            date_joined=clock.now(),
        )
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """An account: a public username and a password hash (C22). The email address is optional."""

    username = models.CharField(max_length=usernames.MAX_LENGTH, unique=True)
    # Equal for look-alike names; unique, so the database refuses a confusable duplicate (see usernames.py).
    username_skeleton = models.CharField(max_length=usernames.MAX_LENGTH * 2, unique=True)
    email = models.EmailField(null=True, blank=True)
    # When the owner followed the link mailed to `email`; None until then, and again after each change.
    email_verified_at = models.DateTimeField(null=True, blank=True)
    date_joined = models.DateTimeField()
    is_active = models.BooleanField(default=True)
    # Private preference: times are shown in this zone, to this user only.
    time_zone = models.CharField(max_length=64, default="UTC")
    # When a password-reset link was last mailed: at most one every RESET_MAIL_INTERVAL, so that nobody can
    # flood a person's inbox by asking for resets in their name.
    last_reset_mail_at = models.DateTimeField(null=True, blank=True)
    # Whether other users may email this account through Candor (C65); off until its owner switches it on.
    accepts_user_email = models.BooleanField(default=False)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.username


class FailedLogin(models.Model):
    """One failed login, for throttling (accounts/throttle.py).

    `bucket` is a keyed hash of the username or of the address, never the name or the address itself, and
    rows older than the throttle window are deleted as new ones arrive.
    """

    bucket = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["bucket", "at"])]

    def __str__(self) -> str:
        return f"failed login at {self.at:%Y-%m-%d %H:%M}"


# Blocks live beside the actions and the check that use them (C48).
from candor.accounts.blocks import Autoblock, Block  # noqa: E402, F401
