"""Every write of the yourdata app: one function per act a person or a steward can see (STYLE.md 1).

A person asks for a copy of their data, its erasure, the renaming of their account or the deletion of their
user pages after typing their password again (re-authentication: the identity check of a logged-in person).
The copy and the erasure are jobs queued after the commit; a renaming or a page deletion waits for a steward.
Every move of a request is on the privileged-access log (models.DataRequest.move).
"""

import secrets
from datetime import timedelta
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from candor.accounts.models import User
from candor.privacy import audit, clock
from candor.privacy.capture import RequestMeta
from candor.publiclog.actions import record_public_log
from candor.publiclog.models import LogType
from candor.publiclog.titles import Namespace, Title
from candor.wiki import frontcache
from candor.wiki.actions import do_delete_page, do_save_revision
from candor.wiki.models import Page, PageQuerySet
from candor.yourdata import erasure, export, vanishing
from candor.yourdata.models import FINAL, DataRequest, Kind, State


class RequestRefused(ValueError):
    """The request cannot be made or moved; the message says why."""


def _confirmed(user: User, password: str, kind: Kind) -> DataRequest:
    if not user.check_password(password):
        raise RequestRefused(_("That is not your password. Type it again to confirm it is you."))
    if DataRequest.objects.filter(user=user, kind=kind).exclude(state__in=FINAL).exists():
        raise RequestRefused(_("You already have a request of this kind under way."))
    request = DataRequest.receive(user, kind)
    request.move(State.IDENTITY_CONFIRMED, actor=user)
    return request


def _confirmed_and_queued(user: User, password: str, kind: Kind, job_name: str) -> DataRequest:
    """A confirmed request whose job (in yourdata/tasks.py) runs once the request is committed."""
    from candor.yourdata import tasks

    with transaction.atomic():
        request = _confirmed(user, password, kind)
        job, request_id = getattr(tasks, job_name), request.pk
        transaction.on_commit(lambda: job(request_id))
    return request


def do_request_export(user: User, *, password: str) -> DataRequest:
    """C109: queue the building of `user`'s copy; only they can download it, once, before it expires."""
    return _confirmed_and_queued(user, password, Kind.EXPORT, "build_export")


def _started(request_id: int) -> DataRequest:
    """The request, moved in progress unless a failed run of its job already did (the job retries)."""
    request = DataRequest.objects.select_related("user").get(pk=request_id)
    if request.state == State.IDENTITY_CONFIRMED:
        request.move(State.IN_PROGRESS, actor=request.user)
    return request


def do_build_export(request_id: int) -> DataRequest:
    request = _started(request_id)
    directory = Path(settings.CANDOR_EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{request.pk}-{secrets.token_hex(16)}.zip"
    export.build(request.user, directory / name)
    with transaction.atomic():
        request.export_file = name
        request.export_expires_at = clock.now() + timedelta(hours=settings.CANDOR_EXPORT_LINK_HOURS)
        request.save(update_fields=["export_file", "export_expires_at"])
        request.move(State.COMPLETED, actor=request.user)
    return request


def do_download_export(user: User, request_id: int) -> BinaryIO:
    """The copy, opened for reading and already unlinked: the link works once (C109).

    DataRequest.DoesNotExist for anything but the owner's own ready, unexpired, not yet downloaded copy."""
    with transaction.atomic():
        request = DataRequest.objects.select_for_update().get(
            pk=request_id,
            user=user,
            kind=Kind.EXPORT,
            state=State.COMPLETED,
            downloaded_at__isnull=True,
            export_expires_at__gt=clock.now(),
        )
        path = Path(settings.CANDOR_EXPORT_DIR) / request.export_file
        handle = path.open("rb")
        request.downloaded_at, request.export_file = clock.now(), ""
        request.save(update_fields=["downloaded_at", "export_file"])
    path.unlink()
    return handle


def do_remove_expired_exports() -> int:
    """Delete every copy whose link expired unused (the hourly job); how many."""
    expired = DataRequest.objects.exclude(export_file="").filter(export_expires_at__lte=clock.now())
    removed = 0
    for request in expired:
        _remove_file(request)
        removed += 1
    return removed


def _remove_file(request: DataRequest) -> None:
    (Path(settings.CANDOR_EXPORT_DIR) / request.export_file).unlink(missing_ok=True)
    DataRequest.objects.filter(pk=request.pk).update(export_file="")


def do_request_erasure(user: User, *, password: str) -> DataRequest:
    """C110: queue the erasure of `user`'s deletable data, as erasure.plan(user) showed it beforehand."""
    return _confirmed_and_queued(user, password, Kind.ERASURE, "erase")


def do_erase(request_id: int) -> DataRequest:
    request = _started(request_id)
    for ready in DataRequest.objects.filter(user=request.user).exclude(export_file=""):
        _remove_file(ready)
    erasure.erase(request.user)
    # The map empties the password hash; Django reads an empty hash as a usable one that matches nothing,
    # so mark it unusable as well: password reset then refuses the account too.
    User.objects.filter(pk=request.user_id).update(password=make_password(None))
    with transaction.atomic():
        request.move(State.COMPLETED, actor=request.user)
    return request


def do_request_rename(user: User, *, password: str) -> DataRequest:
    """C28: ask to vanish behind a neutral name; a steward approves or refuses."""
    with transaction.atomic():
        return _confirmed(user, password, Kind.RENAME)


def do_approve_rename(request: DataRequest, *, steward: User) -> str:
    """Rename the account to a neutral name and move every public trace of the old one; the new name."""
    if request.kind != Kind.RENAME:
        raise RequestRefused(_("Only a renaming is approved here; copies and erasures run by themselves."))
    with transaction.atomic():
        _handled_by(request, steward)
        request.move(State.IN_PROGRESS, actor=steward)
        new_name = vanishing.neutral_name()
        old_name_urls = chain(
            frontcache.author_urls(request.user),
            (url for page in _user_pages(request.user) for url in frontcache.all_urls(page)),  # moved away
        )
        frontcache.queue_purge(old_name_urls)  # read before the renaming: the URLs of the old name
        vanishing.rename(request.user, new_name)
        audit.append(  # the new name only: the log must not become one more place the old name survives
            event_type=audit.AccessEventType.ACCOUNT_RENAMED,
            actor=steward,
            target=f"user:{request.user_id}",
            reason=f"renamed to {new_name} at the owner's request (request {request.pk})",
        )
        record_public_log(
            log_type=LogType.RENAMEUSER,
            action="renameuser",
            performer=steward,
            target=Title(Namespace.USER, new_name),
            comment="Renamed at the account holder's request",
        )
        request.move(State.COMPLETED, actor=steward)
    return new_name


def _user_pages(user: User) -> PageQuerySet:
    """The person's user page and user talk page and the subpages of both, those not deleted."""
    key = Title(Namespace.USER, user.username).key
    return Page.objects.live().filter(vanishing.under(key, "title"), namespace__in=vanishing.USER_NAMESPACES)


def do_request_page_deletion(user: User, *, password: str) -> DataRequest:
    """C27: ask for one's user pages to be deleted; a steward approves or refuses."""
    if not _user_pages(user).exists():
        raise RequestRefused(_("You have no user page to delete."))
    with transaction.atomic():
        return _confirmed(user, password, Kind.PAGE_DELETION)


USER_REQUEST = "At the user's request"


def do_approve_page_deletion(request: DataRequest, *, steward: User) -> int:
    """Delete the person's user pages (wiki.actions.do_delete_page): the public then finds none of them,
    and the deletion log names each one, the steward and the reason. How many pages were deleted."""
    if request.kind != Kind.PAGE_DELETION:
        raise RequestRefused(_("This is not a request to delete user pages."))
    with transaction.atomic():
        _handled_by(request, steward)
        request.move(State.IN_PROGRESS, actor=steward)
        pages = list(_user_pages(request.user))
        for page in pages:
            do_delete_page(steward, page.title_object, USER_REQUEST)
        request.move(State.COMPLETED, actor=steward)
    return len(pages)


def _handled_by(request: DataRequest, steward: User) -> None:
    request.handled_by = steward
    request.save(update_fields=["handled_by"])


def do_refuse_request(request: DataRequest, *, steward: User, reason: str) -> None:
    with transaction.atomic():
        _handled_by(request, steward)
        request.move(State.REFUSED, actor=steward, reason=reason)


def do_blank_user_pages(user: User, meta: RequestMeta) -> int:
    """C27: save an empty revision of the person's user page and user talk page, where they have text.
    The current view then shows nothing of the old content; the history stays, as for every page."""
    blanked = 0
    for namespace in (Namespace.USER, Namespace.USER_TALK):
        title = Title(namespace, user.username)
        page = (
            Page.objects.live().filter(namespace=namespace, title=title.key).select_related("latest").first()
        )
        if page is None or not page.latest.text:
            continue
        do_save_revision(
            title=title,
            text="",
            summary="Blanked by its owner",
            base_revision_id=page.latest_id,
            user=user,
            meta=meta,
        )
        blanked += 1
    return blanked
