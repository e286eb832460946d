from datetime import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q

from candor.accounts import usernames
from candor.privacy import clock
from candor.publiclog.titles import Namespace, Title


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
    # Private preference: the interface's language for this user, and of the mail sent to them (C57); empty:
    # the footer picker's cookie, else the browser's Accept-Language, else the site default.
    language = models.CharField(max_length=16, blank=True, default="")
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

    @property
    def is_temporary(self) -> bool:
        """A temporary account (issue 18): its name starts with "~", which no one can choose."""
        return self.username.startswith(TEMPORARY_PREFIX)


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


# Blocks (C48): the rules and the check on every save are in blocks.py, the writes in actions.py.

MAX_BLOCK_REASON_CHARS = 300


class BlockQuerySet(models.QuerySet["Block"]):
    def in_effect(self, now: datetime) -> "BlockQuerySet":
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), lifted_at__isnull=True)


class Block(models.Model):
    """A block of an account, an address or a range, made by an administrator. Public (the block log)."""

    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="blocks"
    )
    # An address ("203.0.113.5") or a range ("203.0.113.0/24"); empty for an account block.
    network = models.CharField(max_length=43, blank=True)
    # The range as fixed-width hex, so that a save's address is matched by one indexed comparison on any
    # database (an IPv6 address does not fit in a 64-bit integer).
    ip_version = models.PositiveSmallIntegerField(null=True, blank=True)
    range_start = models.CharField(max_length=32, blank=True)
    range_end = models.CharField(max_length=32, blank=True)
    performer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=MAX_BLOCK_REASON_CHARS)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)  # None: indefinitely (accounts only)
    autoblock = models.BooleanField(default=False)
    applies_to_accounts = models.BooleanField(default=False)  # an address block that stops accounts too
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = BlockQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(target_user__isnull=False, network="", ip_version__isnull=True)
                    | (
                        Q(target_user__isnull=True, ip_version__isnull=False, expires_at__isnull=False)
                        & ~Q(network="")
                    )
                ),
                name="block_has_one_target",
            )
        ]
        indexes = [models.Index(fields=["ip_version", "range_start"], name="block_by_range")]

    def __str__(self) -> str:
        return f"block {self.pk} of {self.target_label}"

    @property
    def target_label(self) -> str:
        return self.target_user.username if self.target_user_id else self.network

    @property
    def target_title(self) -> Title:
        """The user page the block log links to, as MediaWiki's does (User:Alice, User:203.0.113.0/24)."""
        return Title(Namespace.USER, self.target_label)


class Autoblock(models.Model):
    """The last address of an account blocked with autoblock, as a keyed hash only, for 24 hours."""

    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="autoblocks")
    address_hash = models.CharField(max_length=64, blank=True, db_index=True)  # empty: no address known
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Autoblock #{self.pk}"


# Temporary accounts (issue 18, accounts/temporary.py): the name a logged-out editor's edits carry when the
# operator chose CANDOR_LOGGED_OUT_ATTRIBUTION=temporary_account. Signup refuses names starting with it.
TEMPORARY_PREFIX = "~"


class TemporaryAccount(models.Model):
    """What binds a temporary account to one browser, until it expires.

    The account itself is an ordinary User named `~<year>-<serial>` with no password (it can never log in);
    this row holds only a keyed hash of the browser's cookie and the expiry, and is deleted when it expires.
    The account and its edits stay: they are public and permanent, like every contribution.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="temporary")
    browser_digest = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"temporary account of user {self.user_id}"
