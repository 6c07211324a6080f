"""Links in e-mails point at the server `make run` serves, whatever its port."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"


def _site_url(tmp_path, **env) -> str:
    # The settings of `make run`, with only the given variables of the two that matter.
    environment = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT", "DJANGO_SETTINGS_MODULE"}}
    environment.update(DJANGO_SETTINGS_MODULE="aftersales.settings.local", PYTHONPATH=str(ROOT), **env)
    result = subprocess.run(
        [sys.executable, "-c", READ], cwd=tmp_path, env=environment, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_make_run_on_another_port_puts_that_port_in_email_links(tmp_path):
    assert _site_url(tmp_path, PORT="8080") == "http://127.0.0.1:8080"


def test_the_default_port_gives_the_default_site_url(tmp_path):
    assert _site_url(tmp_path) == "http://127.0.0.1:8000"


def test_an_explicit_site_url_wins_over_the_port(tmp_path):
    assert _site_url(tmp_path, PORT="8080", SITE_URL="https://aftersales.example.com") == (
        "https://aftersales.example.com"
    )


def test_the_dev_script_hands_the_port_to_the_worker_that_sends_mail():
    script = (ROOT / "bin" / "run-dev").read_text()
    export = script.index("export PORT")
    assert export < script.index("celery -A aftersales worker")
