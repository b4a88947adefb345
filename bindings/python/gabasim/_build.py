"""Builds gabasim._gabasim, the cffi (API mode) extension over libgabasim.

The library is found with pkg-config (`gabasim.pc`: set PKG_CONFIG_PATH for a prefix other than
/usr/local or /usr); the extension records the library directory as its RPATH, and the library
then finds its data in share/gabasim beside itself (or where GABASIM_DATA points). The command
line's option parsing (src/cli/options.c, cli_common.c and each command's option table in
cmd_*.c) is compiled into the extension from the source tree (GABASIM_SOURCE_DIR, default: the
tree this directory sits in), so keyword arguments are parsed exactly as the command line's
options.
"""
import os
import shlex
import subprocess

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.dirname(HERE)  # bindings/python
CSRC = os.path.join(PKG, "csrc")
SOURCE_DIR = os.environ.get("GABASIM_SOURCE_DIR") or os.path.normpath(os.path.join(PKG, "..", ".."))
CLI = os.path.join(SOURCE_DIR, "src", "cli")


def pkg_config(*args):
    try:
        out = subprocess.run(["pkg-config", *args, "gabasim"], check=True, capture_output=True,
                             text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        raise RuntimeError("pkg-config cannot find gabasim (install the library with "
                           "`make install` or `cmake --install`, and set PKG_CONFIG_PATH to its "
                           "lib/pkgconfig): %s" % getattr(e, "stderr", e)) from e
    return shlex.split(out)


cflags = pkg_config("--cflags")
libs = pkg_config("--libs")
include_dirs = [f[2:] for f in cflags if f.startswith("-I")]
library_dirs = [f[2:] for f in libs if f.startswith("-L")]
libraries = [f[2:] for f in libs if f.startswith("-l")]
extra_compile = [f for f in cflags if not f.startswith("-I")] + ["-std=c11"]
extra_link = [f for f in libs if not f.startswith(("-L", "-l"))]

if not os.path.isfile(os.path.join(CLI, "options.c")):
    raise RuntimeError("gabasim's source tree not found at %s (set GABASIM_SOURCE_DIR)" % SOURCE_DIR)

ffibuilder = FFI()
ffibuilder.cdef("""
typedef int gs_status;
struct gs_error { gs_status code; char field[64]; char msg[320]; };
#define GSPY_MAX_COLS 24
enum { GSPY_SIMULATE = 1, GSPY_POPULATION, GSPY_ADVISE, GSPY_TRIAL, GSPY_META,
       GSPY_POPULATION_DATASET };
struct gspy_result {
    int kind;
    char *json;
    size_t json_len;
    size_t n_rows;
    size_t n_cols;
    const char *col_name[24];
    const double *col[24];
    size_t col_stride[24];
    ...;
};
int gspy_simulate(int argc, char **argv, struct gspy_result **out, struct gs_error *err);
int gspy_population(int argc, char **argv, struct gspy_result **out, struct gs_error *err);
int gspy_advise(int argc, char **argv, struct gspy_result **out, struct gs_error *err);
int gspy_trial(int argc, char **argv, struct gspy_result **out, struct gs_error *err);
int gspy_meta(int argc, char **argv, struct gspy_result **out, struct gs_error *err);
void gspy_result_free(struct gspy_result *r);
long gspy_results_freed(void);
int gspy_exit_code(const struct gs_error *err);
const char *gs_version(void);
const char *gs_status_str(gs_status st);
const char *gs_datafile_dir(void);
""")

ffibuilder.set_source(
    "gabasim._gabasim",
    '#include "gspy.h"\n#include "gabasim/gabasim.h"\n',
    sources=[os.path.join(CSRC, f) for f in ("shim_common.c", "shim_simulate.c",
                                              "shim_population.c", "shim_advise.c",
                                              "shim_trial.c", "shim_meta.c")]
    + [os.path.join(CLI, f) for f in ("options.c", "cli_common.c")],
    include_dirs=[CSRC, CLI] + include_dirs,
    library_dirs=library_dirs,
    libraries=libraries,
    runtime_library_dirs=library_dirs,
    extra_compile_args=extra_compile,
    extra_link_args=extra_link,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
