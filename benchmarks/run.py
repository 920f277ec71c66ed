"""Run the benchmarks and write their tables to docs/benchmarks.md.

From the checkout (a full run takes a few minutes on two cores):

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/run.py

``--only loading,sort`` runs some sections; ``--people 20000`` a smaller
company for the directory sections; ``--no-write`` leaves the document
alone.  A section is a function decorated with ``report.section``.
"""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import bench_directory  # noqa: E402
import bench_loading  # noqa: E402,F401 - registers its section
from report import SECTIONS, render, update_doc  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help="sections to run, comma-separated: "
                        + ", ".join(SECTIONS))
    parser.add_argument("--no-write", action="store_true",
                        help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)

    bench = bench_directory.Bench(args.people)
    for name in (n.strip() for n in args.only.split(",")):
        title, function = SECTIONS[name]
        load = os.getloadavg()[0]
        result = function(bench)
        text = render(title, result, args.people, load)
        print(text, end="\n\n", flush=True)
        if not args.no_write:
            update_doc(name, text)
    if bench.load_seconds:
        print(f"(loading {args.people:,} people into the panel took "
              f"{bench.load_seconds:.1f} s without a network)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
