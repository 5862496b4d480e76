"""Run every benchmark (or the ones named) and collect the figures in results/latest.json.

    python -m benchmarks                 # all
    python -m benchmarks page_weight     # one
"""

import importlib
import json
import sys
import time

from .common import RESULTS

BENCHMARKS = ["page_weight", "slow_connection", "latency", "pdf_bench", "job_scale", "volume"]


def main(names: list[str]) -> int:
    collected = {}
    failed = []
    for name in names or BENCHMARKS:
        try:
            module = importlib.import_module(f"benchmarks.{name}")
        except ModuleNotFoundError as error:
            print(f"{name}: not available ({error})")
            continue
        started = time.perf_counter()
        try:
            collected[name] = module.run()
        except Exception as error:  # a benchmark that breaks must not hide the others' figures
            failed.append(name)
            print(f"{name}: FAILED {type(error).__name__}: {error}")
            continue
        print(f"({name} took {time.perf_counter() - started:.1f} s)")
    RESULTS.mkdir(exist_ok=True)
    latest = RESULTS / "latest.json"
    previous = json.loads(latest.read_text()) if latest.exists() else {}
    previous.update(collected)
    latest.write_text(json.dumps(previous, indent=2, default=str))
    print(f"\nFigures written to {latest}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
