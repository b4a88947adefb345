#!/usr/bin/python3
"""Agreement checks, timing table and RESULTS.md for bench/run.sh (bench/README.md).

usage: report.py --out-dir DIR --gabasim BIN --have-pop 0|1 --quick 0|1 --n "1000 10000"
                 --results FILE
Reads DIR/timings.tsv, DIR/notes.txt and the tools' output CSVs written by run.sh; prints the
agreement figures and the table of medians; writes FILE. Exit status 1 when a check fails or
lacks its data. Standard library only.
"""
import argparse
import csv
import datetime
import os
import platform
import statistics
import subprocess
import sys

REL_TOL = 1e-5
COMPARATORS = ["dp5", "desolve", "scipy"]
LABEL = {
    "gabasim": "gabasim population",
    "dp5": "naive C DP5(4) (gcc -O2)",
    "desolve": "R deSolve lsoda (compiled C model)",
    "scipy": "SciPy odeint (LSODA, Python RHS)",
}


def read_series(path, tcol, ycol):
    """{time: value} from a CSV with columns tcol, ycol; None if the file is missing."""
    if not os.path.isfile(path) or os.path.getsize(path) == 0:
        return None
    with open(path, newline="") as f:
        r = csv.DictReader(f)
        if tcol not in (r.fieldnames or []) or ycol not in (r.fieldnames or []):
            return None
        return {round(float(row[tcol]), 6): float(row[ycol]) for row in r}


def rel(a, b):
    return abs(a - b) / abs(b) if b != 0 else (0.0 if a == 0 else float("inf"))


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True,
                              timeout=60).stdout.strip()
    except Exception:  # noqa: BLE001 - a missing tool only leaves a blank in the description
        return ""


def machine(gabasim, out_dir):
    lscpu = sh("lscpu")
    info = {}
    for line in lscpu.splitlines():
        k, _, v = line.partition(":")
        info[k.strip()] = v.strip()
    mem_kb = 0
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    os_name = ""
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    try:
        import numpy
        import scipy
        np_v, sp_v = numpy.__version__, scipy.__version__
    except ImportError:
        np_v = sp_v = "not installed"
    load_start = ""
    try:
        load_start = open(os.path.join(out_dir, "loadavg_start.txt")).read().strip()
    except OSError:
        pass
    load_end = " ".join(sh("cat /proc/loadavg").split()[:3])
    commit = sh("git rev-parse --short HEAD")
    dirty = sh("git status --porcelain --untracked-files=no")
    return [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", info.get("Model name", "?")),
        ("cores", "%s logical CPU(s), %s thread(s) per core; nproc %s" % (
            info.get("CPU(s)", "?"), info.get("Thread(s) per core", "?"), sh("nproc"))),
        ("memory", "%.1f GiB" % (mem_kb / 1048576.0)),
        ("OS", "%s, kernel %s" % (os_name, platform.release())),
        ("compiler", sh("gcc --version | head -n 1")),
        ("gabasim", "%s (git %s%s)" % (sh(gabasim + " --version") or "not built", commit,
                                       ", with uncommitted changes" if dirty else "")),
        ("R", sh("R --version | head -n 1")),
        ("deSolve", sh("Rscript -e 'cat(as.character(packageVersion(\"deSolve\")))'")),
        ("Python", "%s (/usr/bin/python3), NumPy %s, SciPy %s" % (platform.python_version(),
                                                                   np_v, sp_v)),
        ("load average (1, 5, 15 min)", "%s at the start, %s at the end (above 0 means other "
         "work shared the cores and the times are inflated)" % (load_start or "?", load_end)),
    ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--gabasim", default="build/gabasim")
    ap.add_argument("--have-pop", type=int, default=0)
    ap.add_argument("--quick", type=int, default=0)
    ap.add_argument("--n", default="1000 10000")
    ap.add_argument("--results", required=True)
    a = ap.parse_args()
    d = a.out_dir
    ns = [int(x) for x in a.n.split()]
    ok = True
    lines = []  # agreement lines for RESULTS.md

    def out(s=""):
        print(s)
        lines.append(s)

    # ------------------------------------------------------------ agreement: population mean
    out("Agreement: population mean concentration at 336 h (relative difference to %s; "
        "tolerance %g)" % ("gabasim" if a.have_pop else "the DP5 baseline (no gabasim population)",
                           REL_TOL))
    out()
    out("| N | tool | mean C(336 h), mg/L | rel. diff at 336 h | max rel. diff, hours 1-336 | check |")
    out("|---|---|---|---|---|---|")
    for n in ns:
        series = {}
        if a.have_pop:
            series["gabasim"] = read_series(os.path.join(d, "gaba_N%d_T1.pct.csv" % n),
                                            "time_h", "mean_mg_L")
            t2 = read_series(os.path.join(d, "gaba_N%d_T2.pct.csv" % n), "time_h", "mean_mg_L")
            if series["gabasim"] and t2 and 336.0 in t2:
                r = rel(t2[336.0], series["gabasim"][336.0])
                if r > 1e-12:
                    print("N=%d: gabasim --threads 2 mean differs from --threads 1 by %.3g" % (n, r))
                    ok = False
        for tool in COMPARATORS:
            series[tool] = read_series(os.path.join(d, "gaba_N%d.%s.mean.csv" % (n, tool)),
                                       "time_h", "mean_conc_mg_L")
        ref_name = "gabasim" if a.have_pop else "dp5"
        ref = series.get(ref_name)
        for tool, s in series.items():
            if s is None or 336.0 not in s:
                out("| %d | %s | missing | | | FAIL |" % (n, tool))
                ok = False
                continue
            if ref is None or 336.0 not in ref:
                out("| %d | %s | %.10g | no reference | | FAIL |" % (n, tool, s[336.0]))
                ok = False
                continue
            r336 = rel(s[336.0], ref[336.0])
            rmax = max((rel(s[t], ref[t]) for t in ref if t >= 1 and t in s), default=float("nan"))
            verdict = "reference" if tool == ref_name else ("pass" if r336 <= REL_TOL else "FAIL")
            ok = ok and verdict != "FAIL"
            out("| %d | %s | %.10g | %.2e | %.2e | %s |" % (n, tool, s[336.0], r336, rmax, verdict))
        vals = [s[336.0] for t, s in series.items() if t in COMPARATORS and s and 336.0 in s]
        if len(vals) > 1:
            spread = (max(vals) - min(vals)) / abs(statistics.mean(vals))
            out("| %d | comparators' spread (max-min)/mean | | %.2e | | %s |" % (
                n, spread, "pass" if spread <= REL_TOL else "FAIL"))
            ok = ok and spread <= REL_TOL
    out()

    # ------------------------------------------------------------ agreement: typical subject
    typ = {"gabasim": read_series(os.path.join(d, "typical.gabasim.csv"), "time_h", "conc_mg_L")}
    for tool in COMPARATORS:
        typ[tool] = read_series(os.path.join(d, "typical.%s.mean.csv" % tool), "time_h",
                                "mean_conc_mg_L")
    ref_name = "gabasim" if typ["gabasim"] else "dp5"
    out("Agreement: typical subject (CL 7 L/h, V 58 L, Vmax 250 mg/h, Km 300 mg, ktr 0.25 /h), "
        "C at 335 h (relative difference to %s; tolerance %g)" % (
            "gabasim simulate" if ref_name == "gabasim" else "DP5", REL_TOL))
    out()
    out("| tool | C(335 h), mg/L | rel. diff | check |")
    out("|---|---|---|---|")
    ref = typ[ref_name]
    for tool, s in typ.items():
        if s is None or 335.0 not in s:
            out("| %s | missing | | %s |" % (tool, "FAIL" if tool != "gabasim" else "-"))
            ok = ok and tool == "gabasim"
            continue
        if ref is None or 335.0 not in ref:
            out("| %s | %.10g | no reference | FAIL |" % (tool, s[335.0]))
            ok = False
            continue
        r = rel(s[335.0], ref[335.0])
        verdict = "reference" if tool == ref_name else ("pass" if r <= REL_TOL else "FAIL")
        ok = ok and verdict != "FAIL"
        out("| %s | %.10g | %.2e | %s |" % (tool, s[335.0], r, verdict))
    out()

    # ------------------------------------------------------------ timing table
    groups = {}
    with open(os.path.join(d, "timings.tsv"), newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            key = (row["bench"], int(row["N"]), row["tool"], int(row["threads"]))
            groups.setdefault(key, []).append((float(row["time_s"]), float(row["wall_s"])))
    med = {k: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v), len(v))
           for k, v in groups.items()}
    order = {"gabasim": 0, "dp5": 1, "desolve": 2, "scipy": 3}
    tab = []
    tab.append("| benchmark | N | tool | threads | runs | median time, s | what is timed | "
               "µs per subject | / gabasim T=1 | / gabasim T=2 | median process wall, s |")
    tab.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for key in sorted(med, key=lambda k: (k[0], k[1], order.get(k[2], 9), k[3])):
        bench, n, tool, thr = key
        t, wall, reps = med[key]
        g1 = med.get((bench, n, "gabasim", 1))
        g2 = med.get((bench, n, "gabasim", 2))
        what = "end to end (process)" if tool == "gabasim" else "simulation loop only"
        tab.append("| %s | %d | %s | %d | %d | %.4g | %s | %.3g | %s | %s | %.4g |" % (
            bench, n, LABEL.get(tool, tool), thr, reps, t, what, 1e6 * t / n,
            "%.3g" % (t / g1[0]) if g1 else "-", "%.3g" % (t / g2[0]) if g2 else "-", wall))
    print("Timing (medians):")
    print()
    for line in tab:
        print(line)
    print()

    # ------------------------------------------------------------ RESULTS.md
    notes = []
    if os.path.isfile(os.path.join(d, "notes.txt")):
        notes = [l.strip() for l in open(os.path.join(d, "notes.txt")) if l.strip()]
    md = []
    md.append("# gabasim population benchmark: results")
    md.append("")
    md.append("Written by `bench/run.sh`%s; how the benchmark is defined: `bench/README.md`." % (
        " with BENCH_QUICK=1 (one repetition, N = 1000 only): indicative only" if a.quick else ""))
    md.append("")
    md.append("## Machine")
    md.append("")
    for k, v in machine(a.gabasim, d):
        md.append("- %s: %s" % (k, v))
    md.append("")
    if notes:
        md.append("## Notes from this run")
        md.append("")
        for n in notes:
            md.append("- " + n)
        md.append("")
    md.append("## Timing")
    md.append("")
    md.append("Medians over the runs shown. gabasim is timed end to end (process start to exit, "
              "including start-up, drawing the subjects, writing its CSVs, and its percentiles), "
              "the comparators only around their simulation loop (no interpreter start-up, "
              "compilation or file I/O; their whole-process wall time is in the last column). "
              "Ratios are comparator time / gabasim time, so above 1 means gabasim is faster. "
              "Every comparator is single-threaded.")
    md.append("")
    md.extend(tab)
    md.append("")
    md.append("## Agreement")
    md.append("")
    md.extend(lines)
    md.append("Overall: %s." % ("all checks passed" if ok else "a check FAILED"))
    md.append("")
    with open(a.results, "w") as f:
        f.write("\n".join(md))
    print("agreement checks: %s" % ("all passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
