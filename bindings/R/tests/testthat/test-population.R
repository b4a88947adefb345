test_that("population percentiles are ordered and reproducible", {
  args <- list(drug = "pregabalin", n = 300, seed = 7, dose = "150mg", every = "12h",
               days = 3, threshold = "2mg/L")
  a <- do.call(population, c(args, threads = 1))
  b <- do.call(population, c(args, threads = 2))
  expect_identical(a$p50, b$p50) # subject i depends only on (seed, i)
  expect_equal(names(a), c("time", "mean", "p5", "p10", "p25", "p50", "p75", "p90", "p95"))
  inner <- a[a$time > 0, ]
  expect_true(all(inner$p5 <= inner$p50 & inner$p50 <= inner$p95))
  s <- attr(a, "summary")
  expect_equal(s$n, 300)
  expect_true(s$target_attainment$p_cmin_at_or_above <= s$target_attainment$p_cavg_at_or_above)
  c1 <- do.call(population, modifyList(args, list(seed = 8)))
  expect_false(identical(a$p50, c1$p50))
})

test_that("per-subject rows and extra percentiles", {
  p <- population(drug = "gabapentin", n = 50, dose = "300mg", every = "8h", days = 2,
                  percentiles = c(2.5, 97.5), subjects = TRUE)
  expect_true(all(c("p2.5", "p97.5") %in% names(p)))
  sub <- attr(p, "subjects")
  expect_equal(nrow(sub), 50)
  expect_equal(sub$ID, 1:50)
  expect_true(all(sub$cmax_mg_L >= sub$cmin_mg_L))
})

test_that("a NONMEM-style data frame in, predictions out", {
  f <- system.file("extdata", "nonmem-pregabalin.csv", package = "gabasim")
  d <- population(drug = "pregabalin", data = f)
  raw <- read.csv(f, na.strings = ".")
  expect_equal(nrow(d), nrow(raw))
  obs <- d$EVID == 0
  expect_true(all(is.na(d$PRED[!obs])))
  expect_true(all(d$PRED[obs] > 0))
  e <- ev(amt = "300mg", ii = "8h", addl = 20, obs = c(1, 24, 160))
  expect_equal(e$EVID, c(1L, 0L, 0L, 0L))
  expect_equal(e$II[1], 8)
  pe <- population(drug = "gabapentin", data = e, variability = 0)
  expect_equal(pe$PRED[pe$EVID == 0], pe$IPRED[pe$EVID == 0])
  # the typical subject's prediction at 160 h is simulate()'s concentration there
  s <- simulate(drug = "gabapentin", dose = "300mg", every = "8h", doses = 21)
  expect_equal(pe$PRED[pe$TIME == 160], s$conc[s$time == 160], tolerance = 1e-6)
  expect_error(population(drug = "gabapentin", data = e, n = 10),
               "'--data' takes subjects and doses from the dataset; '--n' does not apply",
               fixed = TRUE)
})
