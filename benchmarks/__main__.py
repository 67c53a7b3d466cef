"""`make bench`: run every benchmark module and write benchmarks/report.json.

A benchmark is a module `benchmarks/b<N>_<name>.py` with a function
`run() -> dict` returning its figures, its targets and whether each was met;
ratios only, measured against a baseline in the same process run.
"""

import importlib
import json
import pkgutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    names = sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("b"))
    report = {}
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"--- {name}", flush=True)
        report[name] = module.run()
        print(json.dumps(report[name], indent=2), flush=True)
    (HERE / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    if not names:
        print("No benchmarks yet: they arrive with the uploads and media pipeline work.")
    missed = [name for name, result in report.items() if not result.get("met", True)]
    if missed:
        print("Targets missed: " + ", ".join(missed), file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
