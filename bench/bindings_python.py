"""Times one population through the command line and through the Python binding, interleaved
(bench/bindings_python.sh sets it up). usage: python bindings_python.py GABASIM_BINARY"""
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

import gabasim

cli = sys.argv[1]
n = int(os.environ.get("BENCH_N", "100000"))
reps = int(os.environ.get("BENCH_REPS", "5"))
opts = dict(drug="pregabalin", n=n, seed=1, dose="150mg", every="12h", days=14,
            threshold="2mg/L")
if os.environ.get("BENCH_THREADS"):  # e.g. 1: no idle OpenMP threads spinning on a busy machine
    opts["threads"] = int(os.environ["BENCH_THREADS"])
argv = [cli, "population", "--quiet", "--json"]
for k, v in opts.items():
    argv += ["--" + k, str(v)]

# a warm-up of each (page cache, data files), not timed
subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
gabasim.population(**opts)



def cpu(who):
    u = resource.getrusage(who)
    return u.ru_utime + u.ru_stime


# wall-clock and CPU (user + system, every thread) time of each run
# a fresh Python process per run too: the interpreter, numpy, pandas and the library loaded and
# the heap cold each time, as for the command line
fresh = [sys.executable, "-c", "import gabasim; gabasim.population(**%r)" % (opts,)]
t_cli, t_py, c_cli, c_py, own, t_fr, c_fr = [], [], [], [], [], [], []
for i in range(reps):
    c0, t0 = cpu(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    t_cli.append(time.perf_counter() - t0)
    c_cli.append(cpu(resource.RUSAGE_CHILDREN) - c0)
    c0, t0 = cpu(resource.RUSAGE_SELF), time.perf_counter()
    r = gabasim.population(**opts)
    _ = r["arrays"]["p50_mg_L"][-1]
    t_py.append(time.perf_counter() - t0)
    c_py.append(cpu(resource.RUSAGE_SELF) - c0)
    own.append(t_py[-1] - gabasim._timing["c_s"])  # the binding's work around the C call
    del r
    c0, t0 = cpu(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(fresh, check=True)
    t_fr.append(time.perf_counter() - t0)
    c_fr.append(cpu(resource.RUSAGE_CHILDREN) - c0)

load = os.getloadavg()[0]
print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, load average {load:.1f}; "
      f"gabasim {gabasim.version()}; Python {platform.python_version()}")
print(f"population N = {n}, pregabalin 150 mg every 12 h, 14 days, {reps} runs each, interleaved, "
      f"threads {opts.get('threads', 'all')}")
print("                                              wall median   wall min   CPU median")
for name, t, c in (("command line (process, --json > /dev/null)", t_cli, c_cli),
                   ("Python gabasim.population (dict, arrays)", t_py, c_py),
                   ("Python, a fresh process per run", t_fr, c_fr)):
    print(f"  {name:46s} {statistics.median(t):8.3f} s {min(t):8.3f} s "
          f"{statistics.median(c):8.3f} s")
for who, tp, cp in (("Python", t_py, c_py), ("fresh Python process", t_fr, c_fr)):
    for what, a, b in (("wall median", statistics.median(tp), statistics.median(t_cli)),
                       ("wall min", min(tp), min(t_cli)),
                       ("CPU median", statistics.median(cp), statistics.median(c_cli))):
        print(f"  ratio {who} / command line, {what}: {a / b:.3f} ({100 * (a / b - 1):+.1f} %)")
print(f"  the binding's own work per call (argument list, JSON parse, arrays, DataFrame): "
      f"median {1000 * statistics.median(own):.1f} ms = "
      f"{100 * statistics.median(own) / statistics.median(t_cli):.2f} % of the command line's time")

# the one-time cost a fresh process pays before its first call: the interpreter with numpy, cffi,
# the extension and pandas (which population() imports for its DataFrame) against a bare one
imp, bare = [], []
for i in range(reps):
    for cmd, acc in (([sys.executable, "-c", "import gabasim, pandas"], imp),
                     ([sys.executable, "-c", "pass"], bare)):
        c0 = cpu(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, check=True)
        acc.append(cpu(resource.RUSAGE_CHILDREN) - c0)
print(f"  one-time import per process (gabasim, numpy, pandas; CPU median beyond a bare "
      f"interpreter): {statistics.median(imp) - statistics.median(bare):.3f} s")
