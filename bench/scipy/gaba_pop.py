#!/usr/bin/python3
"""SciPy comparator of the gaba-pop benchmark (bench/README.md).

usage: /usr/bin/python3 gaba_pop.py PARAMS.csv MEAN_OUT.csv [FIRST_SUBJECT_OUT.csv]

Reads each subject's CL, V, Vmax, Km, ktr from PARAMS.csv (header ID,CL,V,Vmax,Km,ktr) and
simulates every subject, one after the other, with scipy.integrate.odeint (LSODA), dose interval
by dose interval: 300 mg is added to A_gut at t = 0, 8, ..., 328 h (42 doses) and odeint
integrates each 8 h piece (the last one 328..336 h) with rtol 1e-6, atol 1e-9, reporting every
hour. Writes time_h,mean_conc_mg_L at every hour 0..336 (and optionally the first subject's
profile) and prints "elapsed_s=X": wall-clock time of the subject loop only (not interpreter
start-up, imports or file I/O).

Run with Debian's /usr/bin/python3 (package python3-scipy).
"""
import csv
import sys
import time

import numpy as np
from scipy.integrate import odeint

DOSE_MG = 300.0
TAU_H = 8.0
NDOSES = 42
T_END_H = 336.0
RTOL = 1e-6
ATOL = 1e-9


def rhs(y, t, CL, V, Vmax, Km, ktr):
    gut = y[0]
    # For gut < 0 (a solver undershoot) the uptake continues linearly, as in gabasim.
    absorb = Vmax * gut / (Km + gut) if gut >= 0.0 else Vmax / Km * gut
    return [-absorb - ktr * gut, absorb - CL / V * y[1]]


def simulate(CL, V, Vmax, Km, ktr):
    """Amounts (A_gut, A_c) at hours 0..336, shape (337, 2); at a dose time, after the dose."""
    out = np.empty((int(T_END_H) + 1, 2))
    y = np.zeros(2)
    args = (CL, V, Vmax, Km, ktr)
    for d in range(NDOSES):
        t0 = d * TAU_H
        t1 = T_END_H if d == NDOSES - 1 else t0 + TAU_H
        y[0] += DOSE_MG
        grid = np.arange(t0, t1 + 0.5)  # whole hours t0..t1
        sol, info = odeint(rhs, y, grid, args=args, rtol=RTOL, atol=ATOL, full_output=True)
        if info["message"] != "Integration successful.":
            raise RuntimeError("odeint: " + info["message"])
        last = d == NDOSES - 1
        k0 = int(t0)
        if last:
            out[k0:k0 + len(grid)] = sol
        else:
            out[k0:k0 + len(grid) - 1] = sol[:-1]
        y = sol[-1].copy()
    return out


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__.split("\n")[2])
    with open(sys.argv[1], newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit(sys.argv[1] + ": no subjects")
    if any(float(r.get("tlag") or 0.0) != 0.0 for r in rows):
        sys.exit(sys.argv[1] + ": a subject has tlag != 0; this comparator has no lag")
    subjects = [tuple(float(r[c]) for c in ("CL", "V", "Vmax", "Km", "ktr")) for r in rows]

    times = np.arange(0, int(T_END_H) + 1)
    total = np.zeros(len(times))
    first = None
    t_start = time.perf_counter()
    for i, (CL, V, Vmax, Km, ktr) in enumerate(subjects):
        amt = simulate(CL, V, Vmax, Km, ktr)
        conc = amt[:, 1] / V
        total += conc
        if i == 0:
            first = (conc, amt)
    elapsed = time.perf_counter() - t_start

    mean = total / len(subjects)
    with open(sys.argv[2], "w") as f:
        f.write("time_h,mean_conc_mg_L\n")
        for t, c in zip(times, mean):
            f.write("%d,%.17g\n" % (t, c))
    if len(sys.argv) == 4:
        conc, amt = first
        with open(sys.argv[3], "w") as f:
            f.write("time_h,conc_mg_L,A_gut_mg,A_c_mg\n")
            for k, t in enumerate(times):
                f.write("%d,%.17g,%.17g,%.17g\n" % (t, conc[k], amt[k, 0], amt[k, 1]))
    print("subjects=%d" % len(subjects))
    print("elapsed_s=%.6f" % elapsed)


if __name__ == "__main__":
    main()
