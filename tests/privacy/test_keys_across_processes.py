"""A day key destroyed by a purge in one process is never used again by another (issue 19 §3; C25, C104).

Every host seals under the day keys of one shared directory. A purge run elsewhere (here `--as-of` a day
past today's window, as an operator may run it, or on a host whose clock runs ahead) can destroy even
today's key; a web server that kept the key in memory would go on sealing under it, so its new private
data would be sealed under a key no file holds any more: unreadable by the CheckUser, unaccounted for by
the purge.
"""

import sqlite3
from datetime import UTC, date, datetime, timedelta

from candor.privacy import sealing
from tests.scale.live import Browser, candor, candor_environment, gunicorn


def _latest_sealed(database) -> tuple[bytes, date]:
    with sqlite3.connect(database) as reader:
        blob, day = reader.execute(
            "SELECT sealed, sealed_on FROM privacy_privateevent ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return blob, date.fromisoformat(day)


def test_a_server_seals_under_a_fresh_key_after_another_process_destroyed_todays(tmp_path, settings):
    database = tmp_path / "candor.sqlite3"
    environment = candor_environment(
        tmp_path,
        DATABASE_URL=f"sqlite:///{database}",
        CANDOR_KEY_DIR=str(settings.CANDOR_KEY_DIR),
        CANDOR_WORKERS="1",  # one process: the one that sealed before the purge seals after it
    )
    candor(environment, "migrate", "--noinput")
    today = datetime.now(UTC).date()
    key_file = settings.CANDOR_KEY_DIR / f"{today.isoformat()}.key"

    with gunicorn(environment) as base:
        reader = Browser(base)
        assert reader.save("Dock", "The dock at noon.").status_code == 200
        assert key_file.exists()

        past_the_window = (today + timedelta(days=92)).isoformat()
        candor(environment, "purge", "--yes", "--as-of", past_the_window)
        assert not key_file.exists()  # the purge destroyed today's key

        assert reader.save("Dock", "The dock at night.").status_code == 200

    blob, day = _latest_sealed(database)
    assert day == today
    opened = sealing.unseal(blob, day)  # as the CheckUser's lookup opens it, from the shared directory
    assert opened is not None and opened["ip"] == "127.0.0.1"
