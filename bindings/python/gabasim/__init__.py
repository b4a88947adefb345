"""gabasim from Python: the command line's five commands as functions.

    import gabasim
    r = gabasim.population(drug="pregabalin", n=1000, seed=1, dose="150mg", every="12h", days=14)
    r["arrays"]["p50_mg_L"]          # numpy, read-only, over the library's memory (no copy)
    r["summary"]                     # the rest is the document `gabasim population --json` prints

Keyword arguments are the command's options with the same names and units (`dose="600mg"`,
`every="8h"`, `days=14`, `crcl=60`, `threshold=["2mg/L", "4mg/L"]`, `start_steady=True`);
underscores stand for hyphens and a trailing underscore is dropped (`with_="morphine"`). They are
parsed by the command line's own option tables and the library's unit parser, so the limits and
the messages are the command's. A bad value raises gabasim.UsageError (a ValueError) with the
message the command prints after "gabasim: error: "; other failures raise gabasim.Error.
docs/python.md describes every function.
"""
import json as _json
import numbers as _numbers
import time as _time

import numpy as _np

from ._gabasim import ffi as _ffi, lib as _lib

__all__ = ["simulate", "population", "advise", "trial", "meta", "Error", "UsageError",
           "version", "data_dir"]


class Error(Exception):
    """A library failure. `code` is the gs_status (negative), `field` the input it names,
    `exit_status` what the command line would exit with (1, or 2 for a usage error)."""

    def __init__(self, message, code=-1, field="", exit_status=1):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.exit_status = exit_status


class UsageError(Error, ValueError):
    """Bad input (the command line exits 2): names the option, the value and what is allowed."""


def version():
    """The version of the loaded library."""
    return _ffi.string(_lib.gs_version()).decode()


def data_dir():
    """The data directory the library uses (GABASIM_DATA, else share/gabasim beside it)."""
    return _ffi.string(_lib.gs_datafile_dir()).decode()


# options whose value is one comma-separated list on the command line (others repeat)
_COMMA_LISTS = {"percentiles", "n_grid"}


def _text(v):
    """A value as the command line would be given it: whole numbers as digits, other numbers
    (numpy's too) as the shortest text that reads back as the same double."""
    if isinstance(v, _numbers.Integral) and not isinstance(v, bool):
        return str(int(v))
    if isinstance(v, _numbers.Real):
        return repr(float(v))
    return str(v)


def _argv(positional, kwargs):
    args = [str(p) for p in positional]
    for key, value in kwargs.items():
        if value is None or value is False:
            continue
        name = "--" + key.rstrip("_").replace("_", "-")
        if value is True:
            args.append(name)
        elif isinstance(value, (list, tuple)):
            if key in _COMMA_LISTS:
                args.append(name + "=" + ",".join(_text(x) for x in value))
            else:
                args.extend(name + "=" + _text(x) for x in value)
        else:
            args.append(name + "=" + _text(value))
    return args


class _Column:
    """Exposes one column of a library result to numpy without copying; keeps the result alive
    (numpy holds this object as the array's base)."""

    __slots__ = ("__array_interface__", "_owner")

    def __init__(self, owner, ptr, n, stride):
        self._owner = owner
        self.__array_interface__ = {
            "version": 3,
            "shape": (n,),
            "typestr": "<f8",
            "strides": None if stride == 1 else (8 * stride,),
            "data": (int(_ffi.cast("uintptr_t", ptr)), True),  # read-only: library memory
        }


def _one_line(raw):
    """The message as the command line prints it (cli_fail): a newline or other control byte from
    an argument or a file written as an escape, so it stays one line."""
    out = bytearray()
    for b in raw:
        if b == 0x0A:
            out += b"\\n"
        elif b < 0x20 or b == 0x7F:
            out += b"\\x%02x" % b
        else:
            out.append(b)
    return out.decode("utf-8", "replace")


# wall-clock seconds of the last call spent in C (the bench's measure of the binding's own work)
_timing = {"c_s": 0.0}


def _call(fn, positional, kwargs):
    args = _argv(positional, kwargs)
    keep = [_ffi.new("char[]", a.encode()) for a in args]
    argv = _ffi.new("char *[]", keep + [_ffi.NULL])
    out = _ffi.new("struct gspy_result **")
    err = _ffi.new("struct gs_error *")
    t0 = _time.perf_counter()
    st = fn(len(args), argv, out, err)
    _timing["c_s"] = _time.perf_counter() - t0
    if st != 0:
        msg = _one_line(_ffi.string(err.msg) or _ffi.string(_lib.gs_status_str(err.code)))
        status = _lib.gspy_exit_code(err)
        cls = UsageError if status == 2 else Error
        raise cls(msg, code=err.code, field=_ffi.string(err.field).decode("utf-8", "replace"),
                  exit_status=status)
    handle = _ffi.gc(out[0], _lib.gspy_result_free)
    text = _ffi.unpack(handle.json, handle.json_len).decode()
    # population --data: the document is the dataset CSV the command writes
    doc = {"dataset_csv": text} if handle.kind == _lib.GSPY_POPULATION_DATASET else _json.loads(text)
    arrays = {}
    for i in range(handle.n_cols):
        name = _ffi.string(handle.col_name[i]).decode()
        if handle.n_rows == 0:
            arrays[name] = _np.empty(0)
        else:
            arrays[name] = _np.asarray(_Column(handle, handle.col[i], handle.n_rows,
                                               handle.col_stride[i]))
    return doc, arrays


def _with_arrays(doc, arrays):
    doc["arrays"] = arrays
    try:
        import pandas
    except ImportError:
        return doc
    if "dataset_csv" in doc:  # the dataset with PRED, IPRED, SIMDV, as the command writes it
        import io
        doc["frame"] = pandas.read_csv(io.StringIO(doc["dataset_csv"]))
    else:
        doc["frame"] = pandas.DataFrame(arrays)  # pandas copies the columns into one block
    return doc


def simulate(**options):
    """`gabasim simulate`: one patient, one regimen. Returns the --json document (a dict) with
    "arrays": the --csv columns (time_h, conc_mg_L, amt_depot_mg, amt_central_mg, unabsorbed_mg,
    eliminated_mg, auc_mg_h_L) as numpy arrays over the library's profile, and "frame": the same
    as a pandas DataFrame when pandas is installed."""
    return _with_arrays(*_call(_lib.gspy_simulate, (), options))


def population(**options):
    """`gabasim population`: N virtual subjects. Returns the --json document (a dict) with
    "arrays": the --percentiles-csv columns (time_h, mean_mg_L, p5_mg_L ... p95_mg_L and any
    extra percentiles) as numpy arrays over the library's result (no copy), and "frame": the same
    as a pandas DataFrame (a copy) when pandas is installed.

    With data="FILE.csv" (a NONMEM-style dataset): {"dataset_csv": the dataset with PRED, IPRED
    and SIMDV appended, as `--data FILE.csv` writes it, "arrays": PRED, IPRED, SIMDV per row
    (no copy; NaN on rows that are not observations), "frame": the CSV read by pandas}."""
    return _with_arrays(*_call(_lib.gspy_population, (), options))


def advise(**options):
    """`gabasim advise`: one patient's plan. Returns the --json document (a dict)."""
    return _call(_lib.gspy_advise, (), options)[0]


def trial(spec, **options):
    """`gabasim trial SPEC`: a virtual trial (or replicates). Returns the --json document."""
    return _call(_lib.gspy_trial, (spec,), options)[0]


def meta(file, **options):
    """`gabasim meta FILE`: pooled study results. Returns the --json document (a dict)."""
    return _call(_lib.gspy_meta, (file,), options)[0]


def _results_freed():
    """How many library results have been freed (for the tests)."""
    return _lib.gspy_results_freed()
