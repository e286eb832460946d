"""Pages, their immutable revisions, the search index beside them.

Everything in these tables is public (C30, C31): a revision's author is an account, or for a logged-out
edit the IP address it came from (C33). The IP of a logged-in editor is never stored here (C34).
"""

from django.conf import settings
from django.db import models

from candor.publiclog.titles import Namespace, Title


class ContentModel(models.TextChoices):
    """How a page's text is written, and so rendered: Markdown (Candor's own) or MediaWiki's wikitext."""

    MARKDOWN = "markdown", "Markdown"
    WIKITEXT = "wikitext", "Wikitext"


class PageQuerySet(models.QuerySet["Page"]):
    def live(self) -> "PageQuerySet":
        """The pages the public sees: every page but the deleted ones."""
        return self.filter(deleted_at__isnull=True)


class Page(models.Model):
    """A title and its current revision. A deleted page keeps its row and its revisions (C31), out of every
    public view; saving the title again makes a new page beside it, as MediaWiki lets anyone recreate one."""

    namespace = models.SmallIntegerField(choices=Namespace.choices)
    title = models.CharField(max_length=255)  # the key form: underscores for spaces
    latest = models.ForeignKey("Revision", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    deletion_reason = models.CharField(max_length=500, blank=True)
    # Set when the page is made and kept by every edit (wiki/content.py renders each model).
    content_model = models.CharField(
        max_length=16, choices=ContentModel.choices, default=ContentModel.MARKDOWN
    )

    objects = PageQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["namespace", "title"],
                condition=models.Q(deleted_at__isnull=True),
                name="page_unique_live_title",
            )
        ]
        indexes = [models.Index(fields=["namespace", "title"], name="page_by_title")]

    def __str__(self) -> str:
        return self.title_object.display

    @property
    def title_object(self) -> Title:
        return Title(Namespace(self.namespace), self.title.replace("_", " "))


class ImmutableError(RuntimeError):
    pass


class RevisionQuerySet(models.QuerySet["Revision"]):
    def live(self) -> "RevisionQuerySet":
        """The revisions the public sees: those of pages that are not deleted."""
        return self.filter(page__deleted_at__isnull=True)

    def listing(self) -> "RevisionQuerySet":
        """What a history, contributions or recent-changes row shows, without the texts, newest first."""
        return (
            self.live()
            .select_related("page", "user", "parent")
            .only(
                "id",
                "timestamp",
                "summary",
                "size",
                "ip",
                "imported_author",
                "author_hidden",
                "summary_hidden",
                "minor",
                "page_id",
                "user_id",
                "parent_id",
                "page__namespace",
                "page__title",
                "page__latest_id",
                "user__username",
                "parent__size",
            )
            .order_by("-id")
        )


class Revision(models.Model):
    page = models.ForeignKey(Page, on_delete=models.PROTECT, related_name="revisions", db_index=False)
    parent = models.ForeignKey("self", null=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="revisions",
        db_index=False,
    )
    ip = models.GenericIPAddressField(null=True)  # the public author of a logged-out edit, and only that
    # The public author of a revision imported from another wiki, as that wiki published it
    # ("imported>Name"): a name, never an account anyone can log in to (wiki/mwimport.py).
    imported_author = models.CharField(max_length=300, null=True)
    timestamp = models.DateTimeField()
    summary = models.CharField(max_length=500, blank=True)
    text = models.TextField()
    size = models.PositiveIntegerField()  # bytes of UTF-8
    # `text` rendered and sanitised once, at save time; None for an imported older revision until it is
    # first shown (wiki/content.py html_of), so that an import does not render every old revision.
    html = models.TextField(null=True)
    minor = models.BooleanField(default=False)
    # What the wiki an imported revision came from had deleted (deleted="deleted" in its dump): not in
    # the dump, so not here, and shown as removed.
    text_hidden = models.BooleanField(default=False)
    summary_hidden = models.BooleanField(default=False)
    author_hidden = models.BooleanField(default=False)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, ip__isnull=True, imported_author__isnull=True)
                    | models.Q(user__isnull=True, ip__isnull=False, imported_author__isnull=True)
                    | models.Q(user__isnull=True, ip__isnull=True, imported_author__isnull=False)
                    | models.Q(
                        user__isnull=True, ip__isnull=True, imported_author__isnull=True, author_hidden=True
                    )
                ),
                name="revision_has_one_author",
            )
        ]
        indexes = [
            models.Index(fields=["page", "id"], name="revision_page_history"),
            models.Index(fields=["user", "id"], name="revision_user_contribs"),
            models.Index(fields=["ip", "id"], name="revision_ip_contribs"),
            models.Index(fields=["imported_author", "id"], name="revision_imported_contribs"),
        ]

    def __str__(self) -> str:
        return f"revision {self.pk} of page {self.page_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("a revision is never changed once saved (C31)")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("a revision is never deleted (C31)")

    @property
    def author_name(self) -> str:
        if self.user_id:
            return self.user.username
        if self.ip is not None:
            return str(self.ip)
        return self.imported_author or "(username removed)"

    @property
    def author_url(self) -> str:
        """The user page of an account, or the contributions of an address or an imported name."""
        if self.user_id:
            return Title(Namespace.USER, self.user.username).url
        return Title(Namespace.SPECIAL, f"Contributions/{self.ip or self.imported_author or ''}").url

    @property
    def size_change(self) -> int:
        return self.size - (self.parent.size if self.parent_id else 0)


class ImportedRevision(models.Model):
    """Which revision of which imported wiki a revision is: an import run again skips what it already has
    (idempotent, resumable), and parents are found by the source's ids (wiki/mwimport.py)."""

    source = models.CharField(max_length=255)  # the dump's <dbname>, or its <base> URL
    source_id = models.BigIntegerField()
    revision = models.OneToOneField(Revision, on_delete=models.PROTECT, related_name="imported_as")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="imported_revision_once")]

    def __str__(self) -> str:
        return f"{self.source} revision {self.source_id}"


class SearchEntry(models.Model):
    """The current text of each page, indexed: FTS5 on SQLite, a GIN index on PostgreSQL (wiki/search.py)."""

    page = models.OneToOneField(Page, on_delete=models.CASCADE, primary_key=True, related_name="search_entry")
    title = models.CharField(max_length=300)
    body = models.TextField()

    def __str__(self) -> str:
        return self.title
