"""Statistics without identities: totals, the releases made from them, and the privacy budget they spend.

No table here has a column for an address, a user agent, an account of a reader, a session or a cookie
value (C47, C94, C107): counts are totals by day, page and country (or month, country and activity), from
the first row written. The one account named is the approver of a release, a privileged role holder acting
in public, as the rights log names them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class PageViewCount(models.Model):
    """How many counted page views a page had on a day from one country (stats/counting.py)."""

    day = models.DateField()
    page = models.CharField(max_length=300)  # the page's title as its URL names it ("Talk:Some page")
    country = models.CharField(max_length=2)  # ISO 3166-1 alpha-2, or ZZ (privacy/countries.py)
    views = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "page", "country"], name="one_count_per_day_page_country")
        ]

    def __str__(self) -> str:
        return f"{self.page} from {self.country} on {self.day}: {self.views}"


class Activity(models.TextChoices):
    """Wikimedia's geoeditors activity levels: edits in the month by one editor."""

    FEW = "1-4", "1 to 4 edits"
    ACTIVE = "5-99", "5 to 99 edits"
    VERY_ACTIVE = "100+", "100 edits or more"


class GeoEditorsCount(models.Model):
    """How many editors, and their edits, a country had in a month at one activity level (C107).

    Computed from the sealed private events inside their retention window (privacy/aggregates.py); each
    editor is counted once a month, in the country most of their edits came from."""

    month = models.DateField()  # its first day
    country = models.CharField(max_length=2)
    activity = models.CharField(max_length=8, choices=Activity.choices)
    editors = models.PositiveIntegerField()
    edits = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "country", "activity"], name="one_count_per_month_country_activity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.month:%Y-%m} {self.activity}: {self.editors} editors"


class Dataset(models.TextChoices):
    PAGE_VIEWS = "pageviews", gettext_lazy("Page views")
    GEOEDITORS = "geoeditors", gettext_lazy("Editors per country")


class PrivacyBudget(models.Model):
    """The privacy budget of one dataset over one period (a day of page views, a month of editors): what
    the releases of that period may spend in all, and what they have spent (zero-concentrated DP, ρ)."""

    dataset = models.CharField(max_length=16, choices=Dataset.choices)
    period_start = models.DateField()
    rho = models.FloatField()  # the budget
    spent = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dataset", "period_start"], name="one_budget_per_dataset_period")
        ]

    def __str__(self) -> str:
        return f"{self.dataset} {self.period_start}: {self.spent:.4f} of ρ={self.rho:.4f}"


class Release(models.Model):
    """One differentially private release: its query, mechanism and parameters, who approved it, its
    output. Its budget is charged before it is computed, so a failure spends budget and shows nothing."""

    class Status(models.TextChoices):
        CHARGED = "charged", gettext_lazy("Budget charged, being computed")
        PUBLISHED = "published", gettext_lazy("Published")
        FAILED = "failed", gettext_lazy("Failed (the budget stays spent)")

    dataset = models.CharField(max_length=16, choices=Dataset.choices)
    query = models.CharField(max_length=32)  # releases.QUERIES
    period_start = models.DateField()
    period_end = models.DateField()  # inclusive
    engine = models.CharField(max_length=16, default="opendp")
    mechanism = models.CharField(max_length=200)
    rho = models.FloatField()
    delta = models.FloatField(default=0.0)
    noise_scale = models.FloatField()  # the standard deviation of the noise added to each cell
    keys_per_unit = models.PositiveIntegerField()  # the contribution bound: cells one unit may change
    per_key_bound = models.PositiveIntegerField()  # and by how much each
    threshold = models.PositiveIntegerField()  # cells whose noisy value is below it are not published
    keyset = models.TextField()  # the keys in words: which pages and countries, fixed before the data
    keys = models.PositiveBigIntegerField()  # how many cells were computed (and noised)
    cells = models.PositiveBigIntegerField(default=0)  # how many were published
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    budget = models.ForeignKey(PrivacyBudget, on_delete=models.PROTECT, related_name="releases")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CHARGED)
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True)
    seconds = models.FloatField(null=True)  # how long the computation took
    output = models.TextField(blank=True)  # CSV

    def __str__(self) -> str:
        return f"release {self.pk}: {self.query} {self.period_start}"
