# The README's examples through the command line and through R: the same numbers to the last
# digit the command prints. Runs when GABASIM_CLI names the gabasim tool built with the library
# this package links (the CTest test r_package sets it, and GABASIM_SRC, the source tree).
cli <- Sys.getenv("GABASIM_CLI")
src <- Sys.getenv("GABASIM_SRC")

run_cli <- function(...) {
  out <- suppressWarnings(system2(cli, c(...), stdout = TRUE, stderr = TRUE))
  status <- attr(out, "status")
  list(out = out, status = if (is.null(status)) 0L else status)
}
# numbers as the command writes them in its CSV files (%.10g)
fmt <- function(x) ifelse(is.na(x), ".", sprintf("%.10g", x))
csv_lines <- function(df) apply(vapply(df, fmt, character(nrow(df))), 1, paste, collapse = ",")

test_that("simulate: the README's examples print the same profile and summary", {
  skip_if(cli == "" || src == "", "GABASIM_CLI or GABASIM_SRC not set")
  cases <- list(
    list(r = list(drug = "gabapentin", dose = "300mg", every = "8h", days = 7),
         a = c("--drug", "gabapentin", "--dose", "300mg", "--every", "8h", "--days", "7")),
    list(r = list(drug = "pregabalin", dose = "150mg", every = "12h", days = 14, crcl = 45),
         a = c("--drug", "pregabalin", "--dose", "150mg", "--every", "12h", "--days", "14",
               "--crcl", "45")),
    list(r = list(drug = "gabapentin", titrate = "label", days = 7),
         a = c("--drug", "gabapentin", "--titrate", "label", "--days", "7")),
    list(r = list(drug = "gabapentin", dose = "600mg", doses = 1, scr = "1.4mg/dL", age = 72,
                  sex = "female", weight = "70kg"),
         a = c("--drug", "gabapentin", "--dose", "600mg", "--doses", "1", "--scr", "1.4mg/dL",
               "--age", "72", "--sex", "female", "--weight", "70kg")),
    list(r = list(drug = "gabapentin", dose = "300mg", every = "8h", days = 3,
                  start_steady = TRUE, miss = "32h", extra = "300mg@44h"),
         a = c("--drug", "gabapentin", "--dose", "300mg", "--every", "8h", "--days", "3",
               "--start-steady", "--miss", "32h", "--extra", "300mg@44h")),
    list(r = list(drug = "gabapentin", dialysis = TRUE, dose = "300mg", every = "24h",
                  days = 14),
         a = c("--drug", "gabapentin", "--dialysis", "--dose", "300mg", "--every", "24h",
               "--days", "14")),
    list(r = list(drug = "pregabalin", dialysis = TRUE,
                  hd_schedule = "sessions=3,length=4h,start=8h", dose = "25mg",
                  every = "24h", days = 21),
         a = c("--drug", "pregabalin", "--dialysis", "--hd-schedule",
               "sessions=3,length=4h,start=8h", "--dose", "25mg", "--every", "24h",
               "--days", "21")))
  for (k in cases) {
    p <- do.call(simulate, k$r)
    csv <- run_cli("simulate", k$a, "--csv", "-")
    expect_equal(csv$status, 0L)
    prof <- p[, c("time", "conc", "depot", "central", "unabsorbed", "eliminated", "auc")]
    expect_identical(csv_lines(prof), csv$out[-1])
    txt <- run_cli("simulate", k$a)
    expect_identical(strsplit(attr(p, "text"), "\n")[[1]], txt$out)
    js <- run_cli("simulate", k$a, "--json")
    expect_identical(paste0(paste(js$out, collapse = "\n"), "\n"), paste0(attr(p, "json"), "\n"))
  }
})

test_that("population: percentiles, summary and dataset predictions", {
  skip_if(cli == "" || src == "", "GABASIM_CLI or GABASIM_SRC not set")
  # the README's example with 10^4 instead of 10^5 subjects (the test's time)
  pop <- population(drug = "pregabalin", n = 10000, seed = 1, dose = "150mg", every = "12h",
                    days = 14, threshold = "2mg/L")
  a <- c("--drug", "pregabalin", "--n", "10000", "--seed", "1", "--dose", "150mg",
         "--every", "12h", "--days", "14", "--threshold", "2mg/L")
  pc <- run_cli("population", a, "--percentiles-csv", "-")
  expect_equal(pc$status, 0L)
  expect_identical(csv_lines(as.data.frame(pop)), pc$out[-1])
  js <- run_cli("population", a, "--json")
  # the JSON carries the run's wall-clock time: compare everything else
  strip <- function(x) x[!grepl("elapsed", x)]
  expect_identical(strip(strsplit(attr(pop, "json"), "\n")[[1]]), strip(js$out))

  sub <- population(drug = "gabapentin", n = 2000, covariates = "clbp-atkinson2016",
                    titrate = "label", days = 7, subjects = TRUE)
  sc <- run_cli("population", "--drug", "gabapentin", "--n", "2000", "--covariates",
                "clbp-atkinson2016", "--titrate", "label", "--days", "7", "--summary-csv", "-")
  subj <- attr(sub, "subjects")
  expect_equal(nrow(subj), 2000)
  # the per-subject CSV is the library's own writer in both: the same file, byte for byte
  expect_identical(read.csv(text = sc$out), subj)

  f <- file.path(src, "examples", "nonmem-pregabalin.csv")
  d <- population(drug = "pregabalin", data = f)
  out <- run_cli("population", "--drug", "pregabalin", "--data", f)
  expect_equal(out$status, 0L)
  expect_identical(paste0(paste(out$out, collapse = "\n"), "\n"), attr(d, "csv"))
  cols <- strsplit(out$out[1], ",")[[1]]
  rows <- strsplit(out$out[-1], ",")
  for (v in c("PRED", "IPRED", "SIMDV")) {
    cli_v <- vapply(rows, function(r) r[which(cols == v)], "")
    expect_identical(fmt(d[[v]]), cli_v)
  }
})

test_that("advise, trial and meta print the same documents", {
  skip_if(cli == "" || src == "", "GABASIM_CLI or GABASIM_SRC not set")
  same <- function(res, ...) {
    js <- run_cli(..., "--json")
    expect_equal(js$status, 0L)
    expect_identical(paste0(paste(js$out, collapse = "\n"), "\n"), attr(res, "json"))
    tx <- run_cli(...)
    expect_identical(strsplit(attr(res, "text"), "\n")[[1]], tx$out)
  }
  same(advise(drug = "gabapentin", age = 72, sex = "female", weight = "70kg",
              scr = "1.4mg/dL", pain = "radicular", with = "morphine"),
       "advise", "--drug", "gabapentin", "--age", "72", "--sex", "female", "--weight", "70kg",
       "--scr", "1.4mg/dL", "--pain", "radicular", "--with", "morphine")
  same(advise(drug = "pregabalin", crcl = 45, target = "300mg", dose = "150mg", every = "8h"),
       "advise", "--drug", "pregabalin", "--crcl", "45", "--target", "300mg", "--dose", "150mg",
       "--every", "8h")
  spec <- file.path(src, "examples", "clbp-gabapentin-trial.json")
  same(trial(spec), "trial", spec)
  same(trial(spec, replicates = 20, n_grid = c(55, 110, 220)), "trial", spec,
       "--replicates", "20", "--n-grid", "55,110,220")
  bcg <- file.path(src, "examples", "bcg-colditz1994.csv")
  smd <- file.path(src, "examples", "gabapentinoids-back-pain-smd.csv")
  same(meta(bcg), "meta", bcg)
  same(meta(smd, method = "dl", hk = TRUE), "meta", smd, "--method", "dl", "--hk")
  same(meta(bcg, measure = "OR", egger = TRUE, leave_one_out = TRUE), "meta", bcg,
       "--measure", "OR", "--egger", "--leave-one-out")
  mods <- file.path(src, "examples", "bcg-colditz1994-moderators.csv")
  same(meta(mods, mods = c("ablat", "year"), influence = TRUE, cumulative = TRUE, order = "year"),
       "meta", mods, "--mods", "ablat,year", "--influence", "--cumulative", "--order", "year")
})

test_that("a bad option fails with the command line's message", {
  skip_if(cli == "" || src == "", "GABASIM_CLI or GABASIM_SRC not set")
  check <- function(expr, ...) {
    out <- run_cli(...)
    expect_equal(out$status, 2L)
    msg <- sub("^gabasim: error: ", "", out$out[length(out$out)])
    expect_error(expr, msg, fixed = TRUE)
  }
  check(simulate(drug = "gabapentin", dose = "0mg", every = "8h", days = 7),
        "simulate", "--drug", "gabapentin", "--dose", "0mg", "--every", "8h", "--days", "7")
  check(simulate(drug = "gabapentin", dose = "300mg", every = "8h", days = 7, crcl = -5),
        "simulate", "--drug", "gabapentin", "--dose", "300mg", "--every", "8h", "--days", "7",
        "--crcl", "-5")
  check(population(drug = "pregabalin", n = 0, dose = "150mg", every = "12h", days = 1),
        "population", "--drug", "pregabalin", "--n", "0", "--dose", "150mg", "--every", "12h",
        "--days", "1")
  check(simulate(drug = "gabapentin", dose = "300mg", every = "8h", days = 2,
                 hd_schedule = "sessions=3"),
        "simulate", "--drug", "gabapentin", "--dose", "300mg", "--every", "8h", "--days", "2",
        "--hd-schedule", "sessions=3")
  check(advise(drug = "gabapentin", crcl = 50, with = "nosuch"),
        "advise", "--drug", "gabapentin", "--crcl", "50", "--with", "nosuch")
})
