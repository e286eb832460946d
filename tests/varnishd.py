"""Varnish with the shipped deploy/varnish.vcl in front of a Candor on 127.0.0.1, for the front-cache and
slow-client tests and bench/frontcache.py: varnishd in the foreground on a free port, its backend port
substituted into the VCL, stopped by its PID when the block ends."""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

VCL = Path(__file__).resolve().parents[1] / "deploy" / "varnish.vcl"
BACKEND_LINE = '.port = "8000";'
VARNISHD = shutil.which("varnishd", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
START_SECONDS = 30


@dataclass(frozen=True)
class Varnishd:
    port: int
    pid: int
    state: Path  # its -n directory, which varnishstat reads


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(
    backend_port: int, directory: Path, *, storage: str = "malloc,32m", program: str | None = VARNISHD
) -> Iterator[Varnishd]:
    """varnishd with the shipped VCL pointed at `backend_port`, its files (VCL, log, state) in `directory`."""
    if program is None:
        raise RuntimeError("varnishd is missing: .ci/run installs Debian's varnish")
    shipped = VCL.read_text()
    if shipped.count(BACKEND_LINE) != 1:
        raise RuntimeError(f"{VCL} must name its backend port once, as {BACKEND_LINE}")
    directory.mkdir(parents=True, exist_ok=True)
    vcl = directory / "candor.vcl"
    vcl.write_text(shipped.replace(BACKEND_LINE, f'.port = "{backend_port}";'))
    port, log = _free_port(), directory / "varnishd.log"
    # -j none: no switch to the varnish user, who could not read a test's private directory.
    command = [program, "-F", "-j", "none", "-a", f"127.0.0.1:{port}", "-f", str(vcl)]
    command += ["-n", str(directory / "state"), "-s", storage]
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"varnishd exited with status {process.returncode}: {log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"varnishd did not listen within {START_SECONDS} s") from None
                time.sleep(0.1)
        yield Varnishd(port, process.pid, directory / "state")
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
