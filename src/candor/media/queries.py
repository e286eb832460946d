"""The media app's public reads: live files and their versions, never a deleted one."""

from candor.media import processing
from candor.media.models import FileVersion, MediaFile
from candor.publiclog.files import Embed
from candor.publiclog.titles import Title


def live_file(title: Title) -> MediaFile | None:
    return (
        MediaFile.objects.select_related("latest", "latest__user")
        .filter(name=title.key, deleted_at__isnull=True, latest__isnull=False)
        .first()
    )


def versions(media: MediaFile) -> list[FileVersion]:
    return list(media.versions.select_related("user").order_by("-timestamp", "-id"))


def live_version(sha256: str) -> FileVersion | None:
    """A version with these bytes whose file is not deleted: the only bytes /media/ serves."""
    return (
        FileVersion.objects.filter(sha256=sha256, file__deleted_at__isnull=True)
        .only("sha256", "mime", "width", "height", "file__name")
        .select_related("file")
        .first()
    )


def thumb_url(version: FileVersion, width: int) -> str:
    return f"/media/thumb/{width}/{version.sha256}"


def original_url(version: FileVersion) -> str:
    return f"/media/{version.sha256}"


def resolve(title: Title, width: int | None) -> Embed | None:
    """publiclog.files' resolver: the thumbnail of the live file `title` (docs/media.md)."""
    media = live_file(title)
    if media is None or media.latest is None or not media.latest.mime.startswith("image/"):
        return None
    version = media.latest
    stored = processing.thumb_width(width)
    shown = min(stored, version.width) or stored
    height = round(version.height * shown / version.width) if version.width else 0
    return Embed(thumb_url(version, stored), shown, height)
