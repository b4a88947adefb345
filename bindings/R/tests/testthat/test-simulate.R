test_that("simulate returns the profile with the command's summary", {
  p <- simulate(drug = "gabapentin", dose = "300mg", every = "8h", days = 7)
  expect_s3_class(p, "data.frame")
  expect_equal(names(p)[1:3], c("ID", "time", "conc"))
  # 0 to 168 h every 0.25 h: the command's default grid
  expect_equal(nrow(p), 168 * 4 + 1)
  expect_equal(p$time[2], 0.25)
  s <- attr(p, "summary")$summary
  # the steady-state trough and peak bracket the late profile (last interval, 160-168 h)
  late <- p$conc[p$time >= 160]
  expect_gt(s$ss_cmax_mg_L, s$ss_cmin_mg_L)
  expect_lt(abs(min(late) - s$ss_cmin_mg_L) / s$ss_cmin_mg_L, 0.02)
  expect_equal(max(p$conc), s$profile_cmax_mg_L, tolerance = 1e-9)
  # mass: nothing is created (dosed 21 x 300 mg = depot + central + unabsorbed + eliminated)
  last <- p[nrow(p), ]
  expect_equal(last$depot + last$central + last$unabsorbed + last$eliminated, 21 * 300,
               tolerance = 1e-6)
  expect_equal(unique(p$CRCL), 100)
  expect_match(attr(p, "text"), "Steady state (300 mg every 8 h)", fixed = TRUE)
})

test_that("units are the library's: grams, minutes, days, umol/L", {
  a <- simulate(drug = "gabapentin", dose = "0.3g", every = "480min", days = "7")
  b <- simulate(drug = "gabapentin", dose = paste0(300, "mg"), every = "8h", days = 7)
  expect_identical(a$conc, b$conc)
  c1 <- simulate(drug = "pregabalin", dose = "75mg", doses = 1, scr = "1.4mg/dL", age = 72,
                 sex = "female", weight = "70kg")
  c2 <- simulate(drug = "pregabalin", dose = "75mg", doses = 1, scr = "123.76umol/L",
                 age = 72, sex = "female", weight = "154.32358lb")
  expect_equal(c1$CRCL[1], c2$CRCL[1], tolerance = 1e-6)
  # Cockcroft-Gault: (140 - 72) x 70 / (72 x 1.4) x 0.85
  expect_equal(c1$CRCL[1], (140 - 72) * 70 / (72 * 1.4) * 0.85, tolerance = 1e-9)
  expect_equal(unlist(c1[1, c("AGE", "WT", "SEX")]), c(AGE = 72, WT = 70, SEX = 1))
  expect_equal(c2$WT[1], 70, tolerance = 1e-6) # 154.32358 lb
})

test_that("library errors are R errors with the library's one-line message", {
  expect_error(simulate(drug = "gabapentin", dose = "0mg", every = "8h", days = 7),
               "'--dose' is 0 mg; allowed 0.01 to 3600 mg", fixed = TRUE)
  expect_error(simulate(drug = "gabapentin", dose = 300, every = "8h", days = 7),
               "'--dose' is '300' with no unit", fixed = TRUE)
  expect_error(simulate(drug = "gabapentin", dose = "300mg", every = "8h"),
               "missing '--days N' or '--doses N'", fixed = TRUE)
  expect_error(simulate(drug = "nosuchdrug", dose = "300mg", every = "8h", days = 1),
               "nosuchdrug")
  expect_error(simulate(drug = "gabapentin", dose = "300mg", every = "8h", days = 1,
                        sex = "x"), "'--sex' is 'x'; allowed: female, male", fixed = TRUE)
  expect_error(simulate(drug = "gabapentin", dose = "300mg", every = "8h", days = 400),
               "'--days' is 400; allowed above 0 to 365", fixed = TRUE)
})

test_that("missed and extra doses change the profile where they should", {
  base <- simulate(drug = "gabapentin", dose = "300mg", every = "8h", days = 3,
                   start_steady = TRUE)
  alt <- simulate(drug = "gabapentin", dose = "300mg", every = "8h", days = 3,
                  start_steady = TRUE, miss = "32h", extra = "300mg@44h")
  before <- base$time < 32
  expect_identical(alt$conc[before], base$conc[before])
  expect_lt(alt$conc[alt$time == 40], base$conc[base$time == 40])
})

test_that("numbers reach the library as the command line would spell them", {
  expect_identical(gabasim:::.opt_text(c(1e5, 0.1, 2.5, 1/3)),
                   c("100000", "0.1", "2.5", "0.33333333333333331"))
  expect_identical(gabasim:::.opt_text(TRUE), "TRUE")
  expect_null(gabasim:::.opt_text(FALSE))
})

test_that("NA is an error, not an option left out (crcl = NA is not CrCl 100 mL/min)", {
  for (na in list(NA, NA_character_, NA_real_, 0 / 0)) { # 0 / 0: not-a-number
    expect_error(simulate(drug = "gabapentin", dose = "300mg", every = "8h", days = 1,
                          crcl = na),
                 "'--crcl' is NA; give a value or leave the argument out", fixed = TRUE)
  }
  expect_error(simulate(drug = "gabapentin", dose = "300mg", every = "8h", days = 1,
                        miss = c("8h", NA)), "'--miss' is NA", fixed = TRUE)
  expect_error(simulate(drug = "gabapentin", dose = "300mg", every = "8h", days = 1,
                        dialysis = NA), "'--dialysis' is NA", fixed = TRUE)
  expect_error(meta(data.frame(), hk = NA), "'--hk' is NA", fixed = TRUE)
})
