"""Time `jixiao parse-target -` on 100,000 lines, next to a floor baseline timed in the same run.

The baseline reads the same lines and writes one JSON object per line without parsing, so the
difference is the parser's own cost. Run: ``python bench/parse.py [--lines N]``.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLES = [
    "≥90%",
    "前五名",
    "≥35(亿次)",
    "效果明显",
    "不低于95%",
    "控制在5%以内",
    "90%-95%",
    "三次",
    "2021年底",
    "≥200 人",
    "=0%",
    "≤5%",
    "达成预期指标",
    "百分之九十",
    "1.2万人",
    "≧735人次",
]
BASELINE = (
    "import json, sys\n"
    "for line in sys.stdin:\n"
    "    sys.stdout.write(json.dumps({'text': line.rstrip()}, ensure_ascii=False) + '\\n')\n"
)


def _time(command: list[str], data: Path) -> float:
    started = time.perf_counter()
    with data.open("rb") as stdin:
        subprocess.run(command, stdin=stdin, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=100_000)
    lines = parser.parse_args().lines
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "targets.txt"
        data.write_text("\n".join(rng.choice(SAMPLES) for _ in range(lines)) + "\n", "utf-8")
        jixiao = _time([sys.executable, "-m", "jixiao", "parse-target", "-"], data)
        floor = _time([sys.executable, "-c", BASELINE], data)
    print(f"{'command':32} {'seconds':>8} {'lines/s':>10}")
    print(f"{'jixiao parse-target -':32} {jixiao:8.2f} {lines / jixiao:10.0f}")
    print(f"{'baseline: JSON echo, no parsing':32} {floor:8.2f} {lines / floor:10.0f}")


if __name__ == "__main__":
    main()
