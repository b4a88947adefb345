# gaba_pop.R - R deSolve comparator of the gaba-pop benchmark (bench/README.md).
#
# usage: Rscript gaba_pop.R PARAMS.csv MEAN_OUT.csv [FIRST_SUBJECT_OUT.csv]
#
# Reads each subject's CL, V, Vmax, Km, ktr from PARAMS.csv (header ID,CL,V,Vmax,Km,ktr), and
# simulates every subject, one after the other, with deSolve's lsoda on the model compiled from
# gaba_pop.c (compiled-code interface: initfunc "initmod", func "derivs", dllname), doses given
# as deSolve events (300 mg added to A_gut every 8 h from t = 0, 42 doses), rtol 1e-6, atol 1e-9.
# Writes time_h,mean_conc_mg_L at every hour 0..336 (and the first subject's profile), and prints
# "elapsed_s=X": wall-clock time of the subject loop only (not R start-up, compilation or I/O).
suppressPackageStartupMessages(library(deSolve))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2 || length(args) > 3)
  stop("usage: Rscript gaba_pop.R PARAMS.csv MEAN_OUT.csv [FIRST_SUBJECT_OUT.csv]")

# Locate gaba_pop.c beside this script, compile it into a temporary directory.
file_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
here <- if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg[1]))) else "."
build_dir <- tempfile("gaba_pop_")
dir.create(build_dir)
src <- file.path(build_dir, "gaba_pop.c")
invisible(file.copy(file.path(here, "gaba_pop.c"), src))
status <- system2(file.path(R.home("bin"), "R"), c("CMD", "SHLIB", "--preclean", shQuote(src)),
                  stdout = FALSE, stderr = FALSE)
if (status != 0) stop("R CMD SHLIB gaba_pop.c failed")
so <- file.path(build_dir, paste0("gaba_pop", .Platform$dynlib.ext))
dyn.load(so)

p <- read.csv(args[1], colClasses = "numeric")
for (col in c("CL", "V", "Vmax", "Km", "ktr"))
  if (!col %in% names(p)) stop(sprintf("%s: no column '%s'", args[1], col))
if ("tlag" %in% names(p) && any(p$tlag != 0)) stop("a subject has tlag != 0; this comparator has no lag")
n <- nrow(p)
if (n < 1) stop("no subjects")

times <- 0:336
dose_times <- seq(0, by = 8, length.out = 42)          # 0, 8, ..., 328
events <- list(data = data.frame(var = "A_gut", time = dose_times, value = 300, method = "add"))
y0 <- c(A_gut = 0, A_c = 0)
P <- as.matrix(p[, c("CL", "V", "Vmax", "Km", "ktr")])

sum_conc <- numeric(length(times))
first <- NULL
t_start <- proc.time()[["elapsed"]]
for (i in seq_len(n)) {
  out <- ode(y = y0, times = times, func = "derivs", parms = P[i, ], dllname = "gaba_pop",
             initfunc = "initmod", nout = 0, events = events, method = "lsoda",
             rtol = 1e-6, atol = 1e-9)
  if (attr(out, "istate")[1] != 2) stop(sprintf("subject %d: lsoda istate %d", i, attr(out, "istate")[1]))
  conc <- out[, "A_c"] / P[i, "V"]
  sum_conc <- sum_conc + conc
  # At an event time deSolve reports the state before the event (A_gut without that dose);
  # A_c, hence C, is continuous there, so C is the same either way.
  if (i == 1) first <- cbind(time_h = out[, "time"], conc_mg_L = conc, A_gut_mg = out[, "A_gut"], A_c_mg = out[, "A_c"])
}
elapsed <- proc.time()[["elapsed"]] - t_start

fmt <- function(x) sprintf("%.17g", x)
writeLines(c("time_h,mean_conc_mg_L", paste(times, fmt(sum_conc / n), sep = ",")), args[2])
if (length(args) == 3)
  writeLines(c("time_h,conc_mg_L,A_gut_mg,A_c_mg",
               paste(first[, 1], fmt(first[, 2]), fmt(first[, 3]), fmt(first[, 4]), sep = ",")),
             args[3])
dyn.unload(so)
cat(sprintf("subjects=%d\n", n))
cat(sprintf("elapsed_s=%.6f\n", elapsed))
