"""Files on disk under CANDOR_MEDIA_DIR, by content hash: originals/ab/abcdef… and thumbs/ab/abcdef…-250."""

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _path(kind: str, name: str) -> Path:
    return Path(settings.CANDOR_MEDIA_DIR) / kind / name[:2] / name


def original_path(sha256: str) -> Path:
    return _path("originals", sha256)


def thumb_path(sha256: str, width: int) -> Path:
    return _path("thumbs", f"{sha256}-{width}")


def write(path: Path, data: bytes) -> None:
    """Write atomically (a temporary file renamed into place): a reader never sees half a file."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def pending_path(sha256: str) -> Path:
    """An upload waiting for its "keep the metadata" confirmation; removed once confirmed."""
    return _path("pending", sha256)
