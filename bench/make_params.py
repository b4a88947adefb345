#!/usr/bin/env python3
"""Write a gaba-pop subject-parameter CSV in the format gabasim's `population --params-csv` writes.

    header: ID,Vmax,Km,ktr,V,CL,tlag   one row per subject, every value %.17g
    (gabasim's order: the structure's parameters; tlag is always 0 here. The comparators find
    columns by name, so the plain ID,CL,V,Vmax,Km,ktr works with them too.)

Individual parameters are log-normal around the typical values:
    CL   = 7   L/h  * exp(0.3 * eta_CL)
    V    = 58  L    * exp(0.2 * eta_V)
    Vmax = 250 mg/h * exp(0.3 * eta_Vmax)
    Km   = 300 mg, ktr = 0.25 /h (no variability)
with independent standard normal etas (Python's random.Random(seed).gauss, so the file is
reproducible for a given seed; the draws are NOT gabasim's: this file is for developing and
checking the comparators, and for the harness when gabasim's population command is missing).

usage: make_params.py --n N [--seed S] [--out FILE]      (stdout without --out)
       make_params.py --typical [--out FILE]              one subject with the typical values
Standard library only: runs with any Python 3.
"""
import argparse
import math
import random
import sys

TYPICAL = {"CL": 7.0, "V": 58.0, "Vmax": 250.0, "Km": 300.0, "ktr": 0.25, "tlag": 0.0}
OMEGA = {"CL": 0.3, "V": 0.2, "Vmax": 0.3}
COLUMNS = ["Vmax", "Km", "ktr", "V", "CL", "tlag"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, help="number of subjects")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--typical", action="store_true", help="one subject with the typical values")
    ap.add_argument("--out", help="output file (default: stdout)")
    a = ap.parse_args()
    if not a.typical and (a.n is None or a.n < 1):
        ap.error("give --n N (N >= 1) or --typical")

    rng = random.Random(a.seed)
    rows = []
    if a.typical:
        rows.append(dict(TYPICAL))
    else:
        for _ in range(a.n):
            p = dict(TYPICAL)
            for name in ("CL", "V", "Vmax"):  # fixed draw order per subject
                p[name] = TYPICAL[name] * math.exp(OMEGA[name] * rng.gauss(0.0, 1.0))
            rows.append(p)

    out = open(a.out, "w", newline="") if a.out else sys.stdout
    out.write("ID," + ",".join(COLUMNS) + "\n")
    for i, p in enumerate(rows, start=1):
        out.write(str(i) + "," + ",".join("%.17g" % p[c] for c in COLUMNS) + "\n")
    if a.out:
        out.close()


if __name__ == "__main__":
    main()
