"""Sealing private values under the key of their day (AES-256-GCM).

A sealed value is bound to its day (the day is the additional authenticated data), so a blob cannot be
moved to another day's row and opened with that day's key. When the day's key is destroyed, `unseal`
answers None: the value is gone, though the row may still be waiting for deletion.
"""

import json
import os
from datetime import date

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from candor.privacy.keystore import keystore

NONCE_BYTES = 12


def seal(values: dict[str, str], day: date) -> bytes:
    key = keystore().get_or_create(day)
    cipher = _sealing_cipher.get(key)
    if cipher is None:  # a new day's key
        _sealing_cipher.clear()
        cipher = _sealing_cipher[key] = AESGCM(key)
    nonce = os.urandom(NONCE_BYTES)
    plaintext = _compact_json.encode(values).encode()
    return nonce + cipher.encrypt(nonce, plaintext, day.isoformat().encode())


_compact_json = json.JSONEncoder(separators=(",", ":"))  # made once: json.dumps makes one per call
# At most one entry: the cipher of the key sealing now, found by the key's bytes, which keystore.py reads
# from its file on every seal: once a purge destroys the key, no lookup finds its cipher again.
_sealing_cipher: dict[bytes, AESGCM] = {}


def unseal(blob: bytes, day: date) -> dict[str, str] | None:
    return Unsealer().open(blob, day)


class Unsealer:
    """Opens many sealed values, reading each day's key once. Keep one only as long as one lookup: a key
    destroyed meanwhile must not stay usable through a long-lived cache."""

    def __init__(self):
        self._ciphers: dict[date, AESGCM | None] = {}

    def open(self, blob: bytes, day: date) -> dict[str, str] | None:
        if day not in self._ciphers:
            key = keystore().get(day)
            self._ciphers[day] = None if key is None else AESGCM(key)
        cipher = self._ciphers[day]
        if cipher is None:
            return None
        blob = bytes(blob)
        return json.loads(cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], day.isoformat().encode()))
