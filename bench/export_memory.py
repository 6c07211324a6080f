"""Peak memory of the customer ledger's admin export at 10k and 100k rows (see bench/README.md).

Each size is measured in a fresh interpreter, so one run's memory does not hide the
next: the child sets Django up, then exports the first N customers through the same
path as the admin (the resource's columns, rows read in chunks, the streamed xlsx
writer) into a temporary file and reports its resident memory before and its peak during the
export (VmRSS sampled every 5 ms), and the peak of Python allocations during the export (tracemalloc).
Target: the peak at 100k rows at most 1.3 times the peak at 10k.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_export .venv/bin/python bench/export_memory.py
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc

from _common import ROOT, setup

SIZES = (10_000, 100_000)
TARGET_RATIO = 1.3


def fill(count: int) -> None:
    """Make sure the ledger holds at least ``count`` bench customers (codes E0000000…)."""
    from customers.models import Customer

    existing = Customer.objects.filter(code__startswith="E").count()
    batch = 5000
    for start in range(existing, count, batch):
        stop = min(start + batch, count)
        Customer.objects.bulk_create(
            Customer(
                code=f"E{i:07d}",
                name=f"内存基准客户{i}有限公司",
                region="江苏",
                address=f"南京市江宁区{i}号",
                notes="=SUM(A1)" if i % 10 == 0 else "",
                tier_id="ABC"[i % 3],
            )
            for i in range(start, stop)
        )


def _current_rss_mb() -> float:
    """Resident memory now (VmRSS), not the lifetime peak: Django's start-up can exceed an export's."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class _RssSampler:
    """Sample VmRSS every 5 ms in a thread; ``peak`` is the highest seen while running."""

    def __init__(self):
        import threading

        self.peak = _current_rss_mb()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stopped.wait(0.005):
            self.peak = max(self.peak, _current_rss_mb())

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()
        self.peak = max(self.peak, _current_rss_mb())


def export_once(count: int, trace: bool = False) -> dict:
    """Export the first ``count`` bench customers as the admin does; return memory and time."""
    from aftersales.resource_export import resource_sheet
    from aftersales.xlsx import write_workbook
    from customers.models import Customer
    from customers.resources import CustomerResource

    queryset = Customer.objects.for_list().filter(code__startswith="E", code__lt=f"E{count:07d}").order_by("code")
    resource = CustomerResource()
    before = _current_rss_mb()
    if trace:  # several times slower; off by default
        tracemalloc.start()
    start = time.perf_counter()
    with _RssSampler() as sampler, tempfile.TemporaryFile() as output:
        rows = write_workbook(output, [resource_sheet(resource, queryset)])
        size = output.tell()
    seconds = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory() if trace else (0, 0)
    tracemalloc.stop()
    return {
        "rows": rows,
        "seconds": round(seconds, 1),
        "file_mb": round(size / 2**20, 2),
        "rss_before_mb": round(before, 1),
        "rss_peak_mb": round(sampler.peak, 1),
        "rss_delta_mb": round(sampler.peak - before, 1),
        "tracemalloc_peak_mb": round(peak / 2**20, 1),
    }


def measure_export_memory(sizes=SIZES, trace: bool = False) -> list[dict]:
    """Fill the ledger, then measure each size in a fresh subprocess; return one dict per size."""
    setup()
    fill(max(sizes))
    results = []
    for count in sizes:
        child = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "export_memory.py"), "--child", str(count)]
            + (["--tracemalloc"] if trace else []),
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    return results


def print_table(results: list[dict]) -> bool:
    print(f"{'rows':>8} {'seconds':>8} {'file MB':>8} {'RSS peak MB':>12} {'RSS delta MB':>13} {'Python peak MB':>15}")
    for row in results:
        print(
            f"{row['rows']:>8} {row['seconds']:>8} {row['file_mb']:>8} {row['rss_peak_mb']:>12}"
            f" {row['rss_delta_mb']:>13} {row['tracemalloc_peak_mb']:>15}"
        )
    first, last = results[0], results[-1]
    ratio = last["rss_peak_mb"] / first["rss_peak_mb"]
    verdict = "ok" if ratio <= TARGET_RATIO else f"GROWS (> {TARGET_RATIO}x)"
    print(f"RSS peak {last['rows']}/{first['rows']}: {ratio:.2f}x  {verdict}")
    if first["rss_delta_mb"] > 0:
        print(
            f"RSS growth during the export {last['rows']}/{first['rows']}: "
            f"{last['rss_delta_mb']} / {first['rss_delta_mb']} MB"
        )
    if first["tracemalloc_peak_mb"]:
        python_ratio = last["tracemalloc_peak_mb"] / first["tracemalloc_peak_mb"]
        print(f"Python peak {last['rows']}/{first['rows']}: {python_ratio:.2f}x")
    return ratio <= TARGET_RATIO


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slow)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        # No migrate here (the parent ran it): its peak would hide the export's.
        import django

        django.setup()
        print(json.dumps(export_once(args.child, trace=args.tracemalloc)))
        return
    sys.exit(0 if print_table(measure_export_memory(args.sizes, trace=args.tracemalloc)) else 1)


if __name__ == "__main__":
    main()
