"""Item 3, Python side: every command-line example in the README's Usage section is run through
the command line and through the Python package with the same arguments, and the outputs must
agree to the last printed digit: the --json documents parsed are equal, and the arrays printed
with the CSV outputs' format (%.10g) are the CSV files' text. Two caps keep the suite short
(CTest): populations above 10000 subjects run 10000, trial replicates above 40 run 40 (both
sides get the same arguments). `population --data` prints a CSV, not JSON: its text must be
the binding's, and the arrays PRED, IPRED, SIMDV its columns."""
import math
import os
import re
import shlex

import pytest

import gabasim
from conftest import SRC, cli_json, fmt10g, run_cli, without_arrays

FLAGS = {"json", "start-steady", "dialysis", "hk", "quiet"}
FILE_OPTIONS = {"plot", "csv", "html", "summary-csv", "percentiles-csv", "params-csv",
                "summary-json", "out", "funnel"}
CAPS = {"n": 10000, "replicates": 40}


def readme_examples():
    text = open(os.path.join(SRC, "README.md"), encoding="utf-8").read()
    usage = text.split("## Usage", 1)[1].split("\n## ", 1)[0]
    cmds, cur = [], ""
    for line in usage.splitlines():
        if not line.startswith("    ") or not (cur or line.strip().startswith("gabasim ")):
            continue
        line = line.strip()
        cur += " " + line.rstrip("\\")
        if not line.endswith("\\"):
            cmds.append(shlex.split(cur.split("#", 1)[0]))
            cur = ""
    return [c[1:] for c in cmds if c[1] in ("simulate", "population", "advise", "trial", "meta")]


def parse(argv, where):
    """(command, positional, options as the binding takes them, files written, CLI arguments);
    `where(path)` resolves a positional file."""
    cmd, rest = argv[0], argv[1:]
    pos, opts, files, cli = [], {}, {}, []
    i = 0
    while i < len(rest):
        a = rest[i]
        if not a.startswith("--"):
            pos.append(where(a))
            cli.append(pos[-1])
            i += 1
            continue
        name = a[2:]
        if name in FLAGS:
            if name != "json":
                opts[name.replace("-", "_")] = True
                cli.append(a)
            i += 1
            continue
        value = rest[i + 1]
        i += 2
        if name in FILE_OPTIONS:
            files[name] = value
            continue
        if name in CAPS and int(value) > CAPS[name]:
            value = str(CAPS[name])
        if name == "data":
            value = where(value)
        key = name.replace("-", "_") + ("_" if name == "with" else "")
        if key in opts:  # a repeated option
            opts[key] = (opts[key] if isinstance(opts[key], list) else [opts[key]]) + [value]
        else:
            opts[key] = value
        cli += [a, value]
    return cmd, pos, opts, files, cli


EXAMPLES = readme_examples()


def test_readme_has_examples():
    cmds = [e[0] for e in EXAMPLES]
    for c in ("simulate", "population", "advise", "trial", "meta"):
        assert c in cmds


def fmt_csv(v):
    """A dataset prediction as the dataset writer prints it: %.10g, '.' when not finite."""
    return fmt10g(v) if math.isfinite(v) else "."


def csv_text(arrays, columns):
    rows = [",".join(columns)]
    n = len(arrays[columns[0]])
    for j in range(n):
        rows.append(",".join(fmt10g(arrays[c][j]) for c in columns))
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """One working directory for every example (the trial writes reps.csv, meta reads it)."""
    return tmp_path_factory.mktemp("readme")


@pytest.mark.parametrize("argv", EXAMPLES, ids=[" ".join(e)[:80] for e in EXAMPLES])
def test_readme_example_same_numbers(argv, work):
    def where(p):  # the examples' inputs are in the source tree, the trial's output in `work`
        return os.path.join(SRC, p) if os.path.exists(os.path.join(SRC, p)) else str(work / p)

    cmd, pos, opts, files, cli = parse(argv, where)
    if "data" in opts:
        st, out, err = run_cli([cmd, *cli])
        assert st == 0, err
        got = gabasim.population(**opts)
        assert got["dataset_csv"] == out
        rows = [line.split(",") for line in out.splitlines()]
        for name in ("PRED", "IPRED", "SIMDV"):
            j = rows[0].index(name)
            col = got["arrays"][name]
            assert len(col) == len(rows) - 1
            assert [x[j] for x in rows[1:]] == [fmt_csv(v) for v in col]
        return
    extra = []
    if cmd == "simulate":
        extra = ["--csv", str(work / "profile.csv")]
    elif cmd == "population":
        extra = ["--percentiles-csv", str(work / "pct.csv")]
    elif cmd == "trial" and "csv" in files:
        extra = ["--csv", str(work / files["csv"])]  # for the meta example
    expected = cli_json([cmd, *cli, *extra], cwd=work)
    fn = getattr(gabasim, cmd)
    got = fn(*pos, **opts)
    assert without_arrays(got) == expected
    if cmd == "simulate":
        cols = ["time_h", "conc_mg_L", "amt_depot_mg", "amt_central_mg", "unabsorbed_mg",
                "eliminated_mg", "auc_mg_h_L"]
        assert list(got["arrays"]) == cols
        assert csv_text(got["arrays"], cols) == (work / "profile.csv").read_text()
    if cmd == "population":
        cols = list(got["arrays"])
        assert cols[:3] == ["time_h", "mean_mg_L", "p5_mg_L"]
        assert csv_text(got["arrays"], cols) == (work / "pct.csv").read_text()
