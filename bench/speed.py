"""This machine's speed now, as the pure scoring core's scorings per second (`bench/run.py`'s
figure of the same name, best of two half-second runs): `.ci/run` prints it before and after each
run of the suite, so that the suite's time is read against the speed it ran at. The same code
ran at 24,000-27,000 scorings a second on quiet days and at 10,000 on 2026-12-04, when the
suite took 6:48 instead of 4:21-5:12.

    .venv/bin/python bench/speed.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import bench_scoring  # noqa: E402

if __name__ == "__main__":
    rate, _ = bench_scoring(0.5, repeats=2)
    print(f"machine speed: {rate:,.0f} scorings/s (bench/speed.py; quiet days: 24,000-27,000)")
