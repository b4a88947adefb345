test_that("advise follows the label's renal table", {
  a <- advise(drug = "pregabalin", crcl = 45, target = "300mg", dose = "150mg", every = "8h")
  expect_s3_class(a, "gabasim_advice")
  expect_equal(a$recommended$daily_mg, 300) # CrCl 30-60: 75-300 mg/day (Lyrica label 2.7)
  expect_match(attr(a, "text"), "above the label's 300 mg/day", fixed = TRUE)
  expect_output(print(a), "Recommended maintenance")
  expect_error(advise(drug = "gabapentin", crcl = 60, n = 5),
               "'--n' is 5; allowed 10 to 100000", fixed = TRUE)
})

test_that("trial and meta", {
  t <- trial(system.file("extdata", "clbp-gabapentin-trial.json", package = "gabasim"))
  expect_true(is.numeric(t$primary$difference))
  expect_true(nrow(attr(t, "table")) > 0)
  expect_error(trial(system.file("extdata", "clbp-gabapentin-trial.json", package = "gabasim"),
                     n_grid = c(55, 110)), "'--n-grid' needs --replicates", fixed = TRUE)
  f <- system.file("extdata", "bcg-colditz1994.csv", package = "gabasim")
  m <- meta(f)
  # Viechtbauer 2010 (metafor, dat.bcg): REML random-effects log RR -0.7145, tau^2 0.3132
  expect_equal(log(m$random$estimate), -0.7145, tolerance = 1e-3)
  expect_equal(m$random$tau2, 0.3132, tolerance = 1e-3)
  m2 <- meta(read.csv(f, comment.char = "#"))
  expect_equal(m2$random$estimate, m$random$estimate)
  expect_error(meta(f, level = 1), "'--level' is 1; allowed above 0 and below 1", fixed = TRUE)
})
