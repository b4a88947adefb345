#!/usr/bin/env python3
"""Accuracy of gabasim against a tight-tolerance run of itself (issue 3's criterion).

gaba-pop at the benchmark's rtol 1e-6 / atol 1e-9 is compared with the same subjects at rtol 1e-12
/ atol 1e-15: every column of the population percentiles CSV (mean and 5th..95th percentiles,
each percentile a particular subject's concentration) and the typical subject's `simulate`
profile, at every hour t >= 1 h. Passes when the largest relative error is <= 1e-5.
Appends a section to the results file. Standard library only.

usage: accuracy.py GABASIM OUT_DIR RESULTS_MD
"""
import csv
import subprocess
import sys

TOL = 1e-5


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return rows


def max_rel(a_rows, b_rows, cols):
    worst, where = 0.0, ""
    for a, b in zip(a_rows, b_rows):
        t = float(a["time_h"])
        if t < 1.0:
            continue
        for c in cols:
            x, y = float(a[c]), float(b[c])
            if y == 0.0:
                continue
            r = abs(x - y) / abs(y)
            if r > worst:
                worst, where = r, "%s at %g h" % (c, t)
    return worst, where


def main():
    gs, out, results = sys.argv[1], sys.argv[2], sys.argv[3]
    pop = [gs, "population", "--drug", "bench/gaba-pop.json", "--n", "1000", "--seed", "1",
           "--dose", "300mg", "--every", "8h", "--doses", "42", "--until", "336h",
           "--out-every", "1h", "--quiet"]
    run(pop + ["--rtol", "1e-6", "--atol", "1e-9", "--percentiles-csv", out + "/acc.pop.csv"])
    run(pop + ["--rtol", "1e-12", "--atol", "1e-15", "--percentiles-csv", out + "/acc.pop.tight.csv"])
    sim = [gs, "simulate", "--drug", "bench/gaba-pop.json", "--dose", "300mg", "--every", "8h",
           "--doses", "42", "--until", "336h", "--out-every", "1h"]
    run(sim + ["--rtol", "1e-6", "--atol", "1e-9", "--csv", out + "/acc.sim.csv"])
    run(sim + ["--rtol", "1e-12", "--atol", "1e-15", "--csv", out + "/acc.sim.tight.csv"])
    a, b = read(out + "/acc.pop.csv"), read(out + "/acc.pop.tight.csv")
    pcols = [c for c in a[0].keys() if c != "time_h"]
    pop_err, pop_where = max_rel(a, b, pcols)
    s, st = read(out + "/acc.sim.csv"), read(out + "/acc.sim.tight.csv")
    sim_err, sim_where = max_rel(s, st, ["conc_mg_L"])
    ok = pop_err <= TOL and sim_err <= TOL
    lines = [
        "",
        "## Accuracy against a tight-tolerance run (t >= 1 h)",
        "",
        "gaba-pop at rtol 1e-6 / atol 1e-9 against the same run at rtol 1e-12 / atol 1e-15; "
        "tolerance %g relative." % TOL,
        "",
        "| run | compared | max relative error | where | check |",
        "|---|---|---|---|---|",
        "| population, N = 1000 (batched Dormand-Prince) | mean and every percentile, hourly | "
        "%.2e | %s | %s |" % (pop_err, pop_where, "pass" if pop_err <= TOL else "FAIL"),
        "| simulate, typical subject (CVODE) | concentration, hourly | %.2e | %s | %s |"
        % (sim_err, sim_where, "pass" if sim_err <= TOL else "FAIL"),
        "",
    ]
    with open(results, "a") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
