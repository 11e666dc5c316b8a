"""The live preview answers on 127.0.0.1 and shows a YAML edit without a restart."""

from __future__ import annotations

import subprocess
import sys
import time

from tests.support import fetch, free_port, wait_for


def test_serve_regenerates_on_yaml_edit(project):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", str(port)],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    page = f"http://127.0.0.1:{port}/playbooks/infrastructure/cloud-region-outage/"
    try:
        assert "A cloud region goes down" in wait_for(lambda: fetch(page))
        path = project / "playbooks" / "cloud-region-outage.yml"
        path.write_text(path.read_text().replace("A cloud region goes down", "Region is down"))
        wait_for(lambda: "Region is down" in (fetch(page) or ""))
        path.write_text(path.read_text().replace("audiences: [", "audiences: [[["))
        time.sleep(1.5)
        assert "Region is down" in (fetch(page) or "")
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert "keeps the last good pages" in errors
