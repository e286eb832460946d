"""Day keys for sealed storage, kept apart from the database (DESIGN.md, privacy engine point 3).

One 256-bit key per calendar day (UTC), one file per key in CANDOR_KEY_DIR, which must not live beside
the database or in its backups: a copy of the database alone then reveals nothing sealed. Destroying a
day's key makes every value sealed that day unreadable at once, in the database and in every backup of
it, whatever the number of rows: it is one file removal.

Keys are created on first use with write-to-temporary-then-link, so two processes sealing at the same
moment end with the same key. Several hosts must share the directory (or mount the same volume).
"""

import os
import re
import secrets
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.conf import settings

KEY_BYTES = 32
_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.key$")


class KeyStoreUnavailable(RuntimeError):
    """A day's key cannot be made (the directory is read-only, full, gone). Sealing fails closed: the
    action's transaction rolls back, so nothing is written, sealed or not (issue 20 §2)."""


class KeyStore:
    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def _path(self, day: date) -> Path:
        return self.directory / f"{day.isoformat()}.key"

    def get(self, day: date) -> bytes | None:
        """The key of `day`, or None if it was never made or has been destroyed."""
        try:
            key = self._path(day).read_bytes()
        except FileNotFoundError:
            return None
        if len(key) != KEY_BYTES:
            raise RuntimeError(f"the key file of {day} is damaged ({len(key)} bytes)")
        return key

    def get_or_create(self, day: date) -> bytes:
        """The key of `day`, made if need be. Read from its file every time, never kept in memory: a purge
        on another process or host (`--as-of` ahead, a clock ahead) may destroy even today's key, and from
        then on no process may seal under it (a few microseconds a save; docs/operations.md, "Keys")."""
        key = self.get(day)
        if key is not None:
            return key
        try:
            self._create(day)
        except OSError as error:
            raise KeyStoreUnavailable(
                f"the key of {day} cannot be written in {self.directory}: {error}"
            ) from error
        key = self.get(day)
        if key is None:
            raise RuntimeError(f"the key of {day} was destroyed while it was being created")
        return key

    def _create(self, day: date) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        candidate = self.directory / f".{day.isoformat()}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(secrets.token_bytes(KEY_BYTES))
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(candidate, self._path(day))  # atomic: fails if another process made it first
            except FileExistsError:
                pass
        finally:
            candidate.unlink(missing_ok=True)

    def days(self) -> list[date]:
        if not self.directory.exists():
            return []
        return sorted(
            date.fromisoformat(m.group(1)) for p in self.directory.iterdir() if (m := _NAME.match(p.name))
        )

    def destroy(self, day: date) -> bool:
        """Overwrite and remove the key of `day`. True if there was one."""
        path = self._path(day)
        try:
            with path.open("r+b") as handle:
                handle.write(b"\0" * KEY_BYTES)
                handle.flush()
                os.fsync(handle.fileno())
        except FileNotFoundError:
            return False
        path.unlink(missing_ok=True)
        return True


def keystore() -> KeyStore:
    return _keystore_in(str(settings.CANDOR_KEY_DIR))


@lru_cache(maxsize=1)
def _keystore_in(directory: str) -> KeyStore:
    """One KeyStore per directory setting: every save asks for it, several times."""
    return KeyStore(Path(directory))
