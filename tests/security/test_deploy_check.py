"""`candor check --deploy` with the production settings gives no warning (issue 20 §3; C100): HTTPS only,
HSTS for a year over the wiki's subdomains, secure cookies, a real secret key, DEBUG off, ALLOWED_HOSTS set.
Run in a subprocess, as an operator runs it, so that the settings module reads that environment."""

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path


def test_the_deploy_check_of_the_production_settings_is_clean(tmp_path):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CANDOR_", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_"))
    }
    environment |= {
        "CANDOR_HTTPS": "true",
        "CANDOR_DEBUG": "false",
        "CANDOR_DATA_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "wiki.example.org",
    }
    if "DATABASE_URL" in os.environ:
        environment["DATABASE_URL"] = os.environ["DATABASE_URL"]
    candor = shutil.which("candor", path=str(Path(sys.executable).parent))
    assert candor, "the candor command is installed beside the suite's Python"

    done = subprocess.run(
        [candor, "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout, done.stdout
