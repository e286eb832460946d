"""Every write of the media app: uploading a file (a new version under its name) and deleting one."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from candor.accounts import blocks
from candor.accounts.models import User
from candor.media import processing, storage
from candor.media.models import FileVersion, MediaFile
from candor.media.processing import Refused
from candor.privacy import capture, clock
from candor.privacy.capture import RequestMeta
from candor.privacy.models import EventType
from candor.publiclog.actions import record_public_log
from candor.publiclog.models import LogType
from candor.publiclog.titles import InvalidTitle, Namespace, Title, parse


def not_logged_in() -> Refused:
    return Refused(_("You need to be logged in to upload a file."))


def too_large() -> Refused:
    limit = number_format(settings.CANDOR_MAX_UPLOAD_BYTES, force_grouping=True)
    return Refused(_("The file is larger than the limit of %(limit)s bytes.") % {"limit": limit})


@dataclass(frozen=True)
class Uploaded:
    title: Title
    version: FileVersion


def file_title(raw: str) -> Title:
    """The File: title for the name `raw` (with or without its prefix), or Refused: the name must normalise
    and end in an extension of an allowed type."""
    text = raw.strip()
    if text.casefold().startswith("file:"):
        text = text[5:]
    try:
        title = parse("File:" + text)
    except InvalidTitle as exc:
        raise Refused(_("The file name cannot be used: %(problem)s") % {"problem": exc}) from exc
    if title.namespace != Namespace.FILE or "/" in title.name or "." not in title.name:
        raise Refused(
            _("The file name needs an extension, such as .jpg, .png, .gif, .webp or .pdf, and no “/”.")
        )
    return title


def do_upload(
    user: User | None,
    raw_name: str,
    data: bytes,
    meta: RequestMeta,
    *,
    keep_metadata: bool = False,
    comment: str = "",
) -> Uploaded:
    """Check, strip (unless `keep_metadata`), store and record one upload; Refused with nothing stored."""
    if user is None or not user.is_authenticated:
        raise not_logged_in()
    if blocks.edit_block(user, meta) is not None:
        raise Refused(_("You are blocked from editing, so you cannot upload files."))
    title = file_title(raw_name)
    if len(data) > settings.CANDOR_MAX_UPLOAD_BYTES:
        raise too_large()
    if not data:
        raise Refused(_("The file is empty."))
    prepared = processing.prepare(data, keep_metadata=keep_metadata)
    extension = title.name.rsplit(".", 1)[1].casefold()
    if extension not in processing.EXTENSIONS[prepared.mime]:
        allowed = ", ".join(sorted(processing.EXTENSIONS[prepared.mime]))
        raise Refused(
            _("The file is %(type)s, so its name must end in %(extensions)s.")
            % {"type": prepared.mime, "extensions": allowed}
        )
    sha256 = storage.digest(prepared.data)
    storage.write(storage.original_path(sha256), prepared.data)
    with transaction.atomic():
        now = clock.now()
        media, created = MediaFile.objects.select_for_update().get_or_create(
            name=title.key, defaults={"created_at": now}
        )
        if media.deleted_at is not None:
            media.deleted_at = None
        version = FileVersion.objects.create(
            file=media,
            user=user,
            timestamp=now,
            comment=comment[:500],
            sha256=sha256,
            mime=prepared.mime,
            size=len(prepared.data),
            width=prepared.width,
            height=prepared.height,
            kept_metadata=keep_metadata and bool(prepared.metadata),
            metadata=prepared.metadata,
        )
        media.latest = version
        media.save(update_fields=["latest", "deleted_at"])
        record_public_log(
            log_type=LogType.UPLOAD,
            action="upload" if created else "overwrite",
            performer=user,
            target=title,
            comment=comment[:500],
        )
        capture.record(EventType.UPLOAD, meta, actor=user, target=f"fileversion:{version.pk}")
    return Uploaded(title, version)


def do_delete_file(performer: User, title: Title, reason: str) -> bool:
    """Hide the file and every version from the public, as a deleted page is hidden (the bytes stay on disk
    for an undeletion). False when there is no such live file."""
    with transaction.atomic():
        media = MediaFile.objects.select_for_update().filter(name=title.key, deleted_at__isnull=True).first()
        if media is None:
            return False
        media.deleted_at = clock.now()
        media.save(update_fields=["deleted_at"])
        record_public_log(
            log_type=LogType.UPLOAD, action="delete", performer=performer, target=title, comment=reason
        )
    return True


def ensure_thumbnail(version: FileVersion, width: int) -> tuple[bytes, str]:
    """The stored thumbnail of `version` at the stored width, made and stored the first time it is asked
    for. PNG when the image has transparency, JPEG otherwise."""
    path = storage.thumb_path(version.sha256, width)
    if path.exists():
        data = path.read_bytes()
    else:
        data, _mime, _w, _h = processing.thumbnail(storage.original_path(version.sha256).read_bytes(), width)
        storage.write(path, data)
    mime = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return data, mime
