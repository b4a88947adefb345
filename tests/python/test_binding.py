"""The binding's own contract: errors carry the command line's message and exit status, arrays
are views of the library's memory (no copy) that keep the result alive exactly as long as
needed, the data are found the way the command line finds them, and the README's Python example
runs as written."""
import gc
import os
import re

import numpy as np
import pytest

import gabasim
from conftest import SRC, run_cli

POP = dict(drug="pregabalin", n=200, seed=3, dose="150mg", every="12h", days=2)

# (the binding's call, the same on the command line)
BAD = [
    (lambda: gabasim.simulate(drug="gabapentin", dose="300", every="8h", days=7),
     ["simulate", "--drug", "gabapentin", "--dose", "300", "--every", "8h", "--days", "7"]),
    (lambda: gabasim.simulate(drug="gabapentin", dose="300mg", every="8h", days=400),
     ["simulate", "--drug", "gabapentin", "--dose", "300mg", "--every", "8h", "--days", "400"]),
    (lambda: gabasim.simulate(drug="gabapentin", dose="300mg", every="8h", days=7, sex="x"),
     ["simulate", "--drug", "gabapentin", "--dose", "300mg", "--every", "8h", "--days", "7",
      "--sex", "x"]),
    (lambda: gabasim.simulate(drug="nosuchdrug", dose="300mg", every="8h", days=7),
     ["simulate", "--drug", "nosuchdrug", "--dose", "300mg", "--every", "8h", "--days", "7"]),
    (lambda: gabasim.simulate(drug="gabapentin", dose="300mg", every="8h", days=7, doses=3),
     ["simulate", "--drug", "gabapentin", "--dose", "300mg", "--every", "8h", "--days", "7",
      "--doses", "3"]),
    (lambda: gabasim.simulate(drug="gabapentin", dose="300mg", every="8h", days=7, colour=1),
     ["simulate", "--drug", "gabapentin", "--dose", "300mg", "--every", "8h", "--days", "7",
      "--colour", "1"]),
    (lambda: gabasim.population(drug="pregabalin", n=0, dose="150mg", every="12h", days=1),
     ["population", "--drug", "pregabalin", "--n", "0", "--dose", "150mg", "--every", "12h",
      "--days", "1"]),
    (lambda: gabasim.population(**POP, threshold="2mg"),
     ["population", "--drug", "pregabalin", "--n", "200", "--seed", "3", "--dose", "150mg",
      "--every", "12h", "--days", "2", "--threshold", "2mg"]),
    (lambda: gabasim.advise(drug="gabapentin", crcl=45, n=5),
     ["advise", "--drug", "gabapentin", "--crcl", "45", "--n", "5"]),
    (lambda: gabasim.simulate(drug="gabapentin", days=7, titrate="1:300mgx1,\n2:bad"),
     ["simulate", "--drug", "gabapentin", "--days", "7", "--titrate", "1:300mgx1,\n2:bad"]),
    (lambda: gabasim.meta(os.path.join(SRC, "examples", "nonexistent.csv")),
     ["meta", os.path.join(SRC, "examples", "nonexistent.csv")]),
    (lambda: gabasim.trial(os.path.join(SRC, "examples", "clbp-gabapentin-trial.json"),
                           observed=0.5),
     ["trial", os.path.join(SRC, "examples", "clbp-gabapentin-trial.json"), "--observed",
      "0.5"]),
]


@pytest.mark.parametrize("call,argv", BAD, ids=[" ".join(a[:1] + a[-2:]) for _, a in BAD])
def test_error_is_the_command_lines(call, argv):
    status, out, err = run_cli(argv)
    assert status in (1, 2) and out == ""
    line = err.rstrip("\n")
    assert line.startswith("gabasim: error: ") and "\n" not in line
    with pytest.raises(gabasim.Error) as e:
        call()
    assert "gabasim: error: " + e.value.message == line
    assert str(e.value) == e.value.message
    assert e.value.exit_status == status
    # usage errors (exit 2) are ValueErrors; other failures are not
    assert isinstance(e.value, ValueError) == (status == 2)


def test_file_outputs_are_refused_with_a_usage_error():
    with pytest.raises(gabasim.UsageError, match="'--plot' writes a file"):
        gabasim.population(**POP, plot="x.svg")
    assert not os.path.exists("x.svg")


def test_keyword_forms():
    """numbers, lists (repeated options, comma lists) and flags become the same options"""
    a = gabasim.population(**POP, threshold=["2mg/L", "4mg/L"], percentiles=[2.5, 97.5])
    b = gabasim.population(**POP, threshold=["2mg/L", "4mg/L"], percentiles="2.5,97.5")
    assert [t["threshold_mg_L"] for t in a["target_attainment"]] == [2, 4]
    assert "p2.5_mg_L" in a["arrays"] and "p97.5_mg_L" in a["arrays"]
    assert np.array_equal(a["arrays"]["p97.5_mg_L"], b["arrays"]["p97.5_mg_L"])
    s = gabasim.simulate(drug="gabapentin", dose="300mg", every="8h", days=3, start_steady=True,
                         miss="32h", extra=["300mg@44h"], crcl=60.5)
    assert s["patient"]["crcl_mL_min"] == 60.5
    # numpy scalars are numbers too
    t = gabasim.simulate(drug="gabapentin", dose="300mg", every="8h", days=np.int64(3),
                         start_steady=True, miss="32h", extra=["300mg@44h"],
                         crcl=np.float64(60.5))
    assert t["patient"] == s["patient"] and t["summary"] == s["summary"]


def test_advise_level_is_used_as_on_the_command_line():
    """--level reaches the MAP estimate: the document has from_levels, equal to the CLI's"""
    import json
    opts = ["--crcl", "35", "--age", "70", "--dose", "300mg", "--every", "8h", "--n", "50",
            "--level", "6.1mg/L@38h"]
    a = gabasim.advise(crcl=35, age=70, dose="300mg", every="8h", n=50, level="6.1mg/L@38h")
    status, out, err = run_cli(["advise"] + opts + ["--json"])
    assert status == 0, err
    assert "from_levels" in a and a["from_levels"] == json.loads(out)["from_levels"]
    assert "from_levels" not in gabasim.advise(crcl=35, age=70, dose="300mg", every="8h", n=50)


def test_arrays_are_library_memory_not_copies():
    r = gabasim.population(**POP)
    a = r["arrays"]
    base = a["p50_mg_L"].base
    assert type(base).__name__ == "_Column"  # numpy's base is the library's memory
    for name, arr in a.items():
        assert not arr.flags.owndata and not arr.flags.writeable, name
        assert arr.dtype == np.float64 and arr.shape == (len(a["time_h"]),)
        # the array is the library's buffer itself: a view over that address shares memory
        view = np.asarray(arr.base)
        assert np.shares_memory(arr, view)
        assert arr.__array_interface__["data"][0] == view.__array_interface__["data"][0]
    # distinct columns are distinct buffers
    assert not np.shares_memory(a["p5_mg_L"], a["p95_mg_L"])
    assert np.all(a["p5_mg_L"] <= a["p50_mg_L"]) and np.all(a["p50_mg_L"] <= a["p95_mg_L"])
    with pytest.raises(ValueError):
        a["p50_mg_L"][0] = 1.0


def test_simulate_states_are_strided_views():
    s = gabasim.simulate(drug="gabapentin", dose="300mg", every="8h", days=2)
    a = s["arrays"]
    depot, central = a["amt_depot_mg"], a["amt_central_mg"]
    assert depot.strides == (40,) and not depot.flags.owndata  # rows of 5 states
    assert np.shares_memory(np.asarray(depot.base), depot)
    # the JSON profile printed from the same memory
    prof = s["profile"]
    assert len(prof) == len(a["time_h"])
    assert [row["time_h"] for row in prof] == [float("%.10g" % t) for t in a["time_h"]]
    assert central[0] == 0.0 and depot[1] > 0.0


def test_result_freed_only_after_the_last_array_dies():
    gc.collect()
    freed = gabasim._results_freed()
    r = gabasim.population(**POP)
    p50 = r["arrays"]["p50_mg_L"]
    expected = p50.copy()
    del r
    gc.collect()
    assert gabasim._results_freed() == freed  # the array keeps the result alive
    assert np.array_equal(p50, expected)      # and its memory intact
    del p50
    gc.collect()
    assert gabasim._results_freed() == freed + 1  # freed with the last array


def test_repeated_gc_no_crash_no_leak():
    gc.collect()
    freed = gabasim._results_freed()
    kept = []
    ref = gabasim.population(**POP)["arrays"]["p95_mg_L"].copy()
    for i in range(60):
        r = gabasim.population(**POP)
        if i % 3 == 0:
            kept.append(r["arrays"]["p95_mg_L"])  # outlives its dict
        del r
        if i % 7 == 0:
            gc.collect()
    for k in kept:
        assert np.array_equal(k, ref)
    del kept, k
    gc.collect()
    # 60 results plus the reference's: every one freed
    assert gabasim._results_freed() == freed + 61


def test_threads_same_numbers_every_result_freed():
    """cffi releases the GIL for every C call (the commands and ffi.gc's gspy_result_free), and
    nothing calls back into Python: commands on several threads at once give the serial
    numbers, and the freed count (atomic in the shim) counts every result exactly once."""
    import threading
    calls = [lambda: gabasim.population(**POP)["arrays"]["p50_mg_L"],
             lambda: gabasim.simulate(drug="gabapentin", dose="300mg", every="8h",
                                      days=2)["arrays"]["conc_mg_L"]]
    ref = [c().copy() for c in calls]
    gc.collect()
    freed = gabasim._results_freed()
    bad = []

    def work(k):
        for _ in range(8):
            a = calls[k % 2]()
            if not np.array_equal(a, ref[k % 2]):
                bad.append(k)
            del a  # the last reference: freed on this thread, while others run C

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    gc.collect()
    assert bad == []
    assert gabasim._results_freed() == freed + 4 * 8


def test_pandas_frame_when_pandas_is_there():
    pd = pytest.importorskip("pandas")
    r = gabasim.population(**POP)
    f = r["frame"]
    assert isinstance(f, pd.DataFrame) and list(f.columns) == list(r["arrays"])
    assert np.array_equal(f["p50_mg_L"].to_numpy(), r["arrays"]["p50_mg_L"])


def test_data_found_like_the_command_line():
    prefix = os.environ.get("GABASIM_PREFIX")
    if prefix is None:
        pytest.skip("run through run.sh (an installed prefix)")
    assert "GABASIM_DATA" not in os.environ
    assert os.path.realpath(gabasim.data_dir()) == os.path.realpath(
        os.path.join(prefix, "share", "gabasim"))


def test_readme_python_example_runs_as_written():
    text = open(os.path.join(SRC, "README.md"), encoding="utf-8").read()
    m = re.search(r"```python\n(.*?)```", text, re.S)
    assert m, "README has a ```python example"
    code = m.group(1)
    assert len(code.strip().splitlines()) <= 5
    env = {}
    exec(compile(code, "README.md", "exec"), env)  # raises if it does not run as written
