"""Every write to the wiki: one function per act a person can see."""

from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from candor.accounts import blocks, temporary
from candor.accounts.actions import do_attribute_to_temporary_account
from candor.accounts.models import User
from candor.privacy import capture, clock
from candor.privacy.capture import RequestMeta
from candor.privacy.models import EventType
from candor.publiclog.actions import record_public_log
from candor.publiclog.models import LogType
from candor.publiclog.titles import Title
from candor.wiki import content, frontcache
from candor.wiki.models import Page, Revision, SearchEntry
from candor.wiki.protection import protection_reason

MAX_SUMMARY_CHARS = 500

# What other apps do when a revision is saved, inside its transaction (notify queues its fan-out job on
# commit). Registered from their AppConfig.ready(), so that the wiki never imports the apps above it.
_AFTER_SAVE: list[Callable[[Revision], None]] = []


def add_after_save(hook: Callable[[Revision], None]) -> None:
    if hook not in _AFTER_SAVE:
        _AFTER_SAVE.append(hook)


class EditRefused(Exception):
    """The edit cannot be saved; the message says why, and nothing was written."""


class PageProtected(EditRefused):
    pass


class EditBlocked(EditRefused):
    """A block stops this author (C48); `notice` says which, why, by whom and until when."""

    def __init__(self, notice: "blocks.BlockNotice"):
        super().__init__(notice.reason)
        self.notice = notice


class EditConflict(Exception):
    """Someone saved the page after the editor's base revision; their text must not be overwritten."""

    def __init__(self, latest: Revision):
        super().__init__(f"the page changed since the edit began (now at revision {latest.pk})")
        self.latest = latest


def do_save_revision(
    *,
    title: Title,
    text: str,
    summary: str,
    base_revision_id: int | None,
    user: User | None,
    meta: RequestMeta,
    browser: temporary.Browser | None = None,
) -> Revision:
    """Save `text` as the new revision of `title`, on top of `base_revision_id` (None: a new page).

    The edit is attributed to `user`, or, when there is none, publicly to the address in `meta` (C33).
    Either way the request's metadata goes to the private event table, never to the revision (C25, C34).
    Raises EditConflict when the page moved on since the base revision (no edit is ever lost silently),
    and EditRefused for a protected page or text over the size limit. Saving the current text again is
    a null edit: no revision is made and the current one is returned. EditBlocked when a block stops the
    author (C48).

    With CANDOR_LOGGED_OUT_ATTRIBUTION=temporary_account, a logged-out edit is attributed instead to the
    temporary account of `browser` (accounts/temporary.py; created by this save if it has none), and an
    address block stops it as it stops any logged-out edit (issue 18).
    """
    temporary_mode = user is None and temporary.enabled()
    notice = blocks.edit_block(user, meta)
    if notice is None and temporary_mode and browser is not None:
        existing = temporary.current_account(browser, clock.now())
        notice = blocks.edit_block(existing.user, meta) if existing is not None else None
    if notice is not None:
        raise EditBlocked(notice)
    reason = protection_reason(title)
    if reason:
        raise PageProtected(reason)
    size = len(text.encode("utf-8"))
    if size > settings.CANDOR_MAX_PAGE_BYTES:
        limit = settings.CANDOR_MAX_PAGE_BYTES
        raise EditRefused(
            _("The text is %(size)s bytes long; a page can be at most %(limit)s bytes.")
            % {
                "size": number_format(size, force_grouping=True),
                "limit": number_format(limit, force_grouping=True),
            }
        )
    summary = " ".join(summary.split())
    if len(summary) > MAX_SUMMARY_CHARS:
        raise EditRefused(
            _("The edit summary can be at most %(most)s characters long.") % {"most": MAX_SUMMARY_CHARS}
        )
    model = content.model_of(title)  # a page keeps its content model; a new one takes the site's
    html = content.render(text, model)  # before the transaction: the write lock is held only for the writes

    with transaction.atomic():
        now = clock.now()
        # The page row is the lock. The latest revision is read after taking it, never joined into the
        # locking query: on PostgreSQL a joined row could come from before a concurrent save committed.
        page = (
            Page.objects.live().select_for_update().filter(namespace=title.namespace, title=title.key).first()
        )
        if page is None:
            page = _create_page(title, now, model)
        elif page.latest_id != base_revision_id:
            raise EditConflict(Revision.objects.select_related("user").get(pk=page.latest_id))
        elif _is_null_edit(page.latest_id, text, size):
            return Revision.objects.get(pk=page.latest_id)
        if temporary_mode:
            user = do_attribute_to_temporary_account(browser)
        revision = Revision.objects.create(
            page=page,
            parent_id=page.latest_id,
            user=user,
            ip=None if user is not None else meta.ip,
            timestamp=now,
            summary=summary,
            text=text,
            size=size,
            html=html,
        )
        page.latest = revision
        page.save(update_fields=["latest"])
        if not SearchEntry.objects.filter(page=page).update(title=title.display, body=text):
            SearchEntry.objects.create(page=page, title=title.display, body=text)
        capture.record(EventType.EDIT, meta, actor=user, target=f"revision:{revision.pk}")
        for hook in _AFTER_SAVE:
            hook(revision)
        frontcache.queue_purge(frontcache.page_urls(title))
    return revision


def _is_null_edit(latest_id: int, text: str, size: int) -> bool:
    latest = Revision.objects.filter(pk=latest_id, size=size).values_list("text", flat=True).first()
    return latest == text


def _create_page(title: Title, now, model: str) -> Page:
    try:
        with transaction.atomic():
            return Page.objects.create(
                namespace=title.namespace, title=title.key, created_at=now, content_model=model
            )
    except IntegrityError:
        # Created by a concurrent save since we looked (PostgreSQL; SQLite's write lock serialises them).
        page = Page.objects.live().get(namespace=title.namespace, title=title.key)
        raise EditConflict(Revision.objects.select_related("user").get(pk=page.latest_id)) from None


def do_delete_page(performer: User, title: Title, reason: str) -> bool:
    """Delete the page `title`, as MediaWiki does: its row and revisions stay (C31) but no public view shows
    them any more, its search entry goes, and the public deletion log says who deleted it and why (C27).
    False when there is no such page (already deleted, or never made). Saving the title again makes a new
    page; the deleted one's revisions stay hidden."""
    with transaction.atomic():
        page = (
            Page.objects.live().select_for_update().filter(namespace=title.namespace, title=title.key).first()
        )
        if page is None:
            return False
        page.deleted_at, page.deleted_by, page.deletion_reason = clock.now(), performer, reason
        page.save(update_fields=["deleted_at", "deleted_by", "deletion_reason"])
        SearchEntry.objects.filter(page=page).delete()
        frontcache.queue_purge(frontcache.all_urls(page))
        record_public_log(
            log_type=LogType.DELETE, action="delete", performer=performer, target=title, comment=reason
        )
    return True
