"""Shared by the binding's tests: the installed command line (GABASIM_CLI, set by run.sh) as the
reference, and the source tree (GABASIM_SRC) for the README and the examples."""
import json
import os
import subprocess

import pytest

CLI = os.environ.get("GABASIM_CLI", "gabasim")
SRC = os.environ.get("GABASIM_SRC", os.path.join(os.path.dirname(__file__), "..", ".."))


def run_cli(args, cwd=None):
    """Runs the command line; returns (exit status, stdout, stderr)."""
    p = subprocess.run([CLI, *args], capture_output=True, text=True, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def cli_json(args, cwd=None):
    st, out, err = run_cli([*args, "--json"], cwd=cwd)
    assert st == 0, err
    return json.loads(out)


def without_arrays(doc):
    return {k: v for k, v in doc.items() if k not in ("arrays", "frame")}


def fmt10g(v):
    """A number as the CSV outputs print it (%.10g)."""
    return "%.10g" % v


@pytest.fixture
def src():
    return SRC
