"""Shared set-up for the benchmark scripts: Django on the scratch database, timing."""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings.local")


def setup():
    import django

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database.")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(label, fn, repeat=7, target_ms=None):
    """Run ``fn`` ``repeat`` times; print and return the median in milliseconds."""
    fn()  # warm the caches
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    median = statistics.median(runs)
    verdict = "" if target_ms is None else ("ok" if median <= target_ms else f"SLOW (> {target_ms} ms)")
    print(f"{label:<48} {median:8.1f} ms  {verdict}")
    return median <= target_ms if target_ms else True
