# nca_check.R - an independent non-compartmental analysis in plain R (loops and lm()), written
# from the rules in docs/nca.md, for test_nca.c: Rscript nca_check.R DATA.csv RESULTS.txt
# For each method (linear-up/log-down, then linear) and each profile (ID, PERIOD) in file order:
#   cmax tmax auclast lambda_z adj_r2 lz_n aucinf_obs aucinf_pred vz_f
# then for AUClast, AUCinf,obs and Cmax: ratio lower upper MSE of the 2x2 crossover (lm()).
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
d$key <- paste(d$ID, d$PERIOD)
keys <- unique(d$key)

nca1 <- function(t, c, dose, logdown) {
  pos <- which(c > 0)
  f <- min(pos); l <- max(pos)
  i <- seq_along(c)
  keep <- !(c == 0 & i > f & i < l)          # BLQ: first kept as 0, middle dropped, last as 0
  t <- t[keep]; c <- c[keep]
  if (t[1] > 0) { t <- c(0, t); c <- c(0, c) } # C = 0 at the dose time
  im <- which.max(c)                           # the first maximum
  il <- max(which(c > 0))
  auc <- 0
  for (j in seq_len(il - 1)) {
    if (logdown && c[j + 1] < c[j] && c[j + 1] > 0)
      auc <- auc + (c[j] - c[j + 1]) / log(c[j] / c[j + 1]) * (t[j + 1] - t[j])
    else
      auc <- auc + (c[j] + c[j + 1]) / 2 * (t[j + 1] - t[j])
  }
  cand <- which(seq_along(c) > im & c > 0 & t > 0 & seq_along(c) <= il)
  lz <- NA; adj <- NA; n <- NA; cpred <- NA
  if (length(cand) >= 3) {
    fits <- lapply(3:length(cand), function(m) {
      idx <- tail(cand, m)
      x <- t[idx]; y <- log(c[idx])
      fit <- lm(y ~ x)
      r2 <- summary(fit)$r.squared
      list(m = m, lz = -unname(coef(fit)[2]), adj = 1 - (1 - r2) * (m - 1) / (m - 2),
           cpred = exp(unname(coef(fit)[1] + coef(fit)[2] * t[il])))
    })
    adjs <- sapply(fits, `[[`, "adj")
    best <- max(c(0, adjs), na.rm = TRUE)      # PKNCA's table also holds 0 for m < 3
    ok <- which(!is.na(adjs) & adjs > best - 1e-4 & sapply(fits, `[[`, "lz") > 0)
    if (length(ok)) {
      b <- fits[[ok[which.max(sapply(fits[ok], `[[`, "m"))]]]
      lz <- b$lz; adj <- b$adj; n <- b$m; cpred <- b$cpred
    }
  }
  aio <- auc + c[il] / lz
  c(cmax = c[im], tmax = t[im], auclast = auc, lambda_z = lz, adj_r2 = adj, lz_n = n,
    aucinf_obs = aio, aucinf_pred = auc + cpred / lz, vz_f = dose / (lz * aio))
}

out <- c()
for (logdown in c(TRUE, FALSE)) {
  res <- t(sapply(keys, function(k) {
    s <- d[d$key == k, ]
    s <- s[order(s$TIME), ]
    nca1(s$TIME, s$CONC, s$DOSE[1], logdown)
  }))
  out <- rbind(out, res)
  first <- d[!duplicated(d$key), ]
  for (v in c("auclast", "aucinf_obs", "cmax")) {
    be <- data.frame(subj = first$ID, seq = first$SEQUENCE, per = first$PERIOD,
                     trt = first$TREATMENT, y = log(res[, v]))
    m <- lm(y ~ factor(seq) + factor(subj) + factor(per) + factor(trt, levels = c("R", "T")),
            data = be)
    nm <- "factor(trt, levels = c(\"R\", \"T\"))T"
    ci <- confint(m, nm, level = 0.90)
    row <- c(exp(coef(m)[nm]), exp(ci), summary(m)$sigma^2)
    out <- rbind(out, c(row, rep(NA, ncol(out) - 4)))
  }
}
# profile rows: 9 numbers; comparison rows: 4
con <- file(args[2], "w")
for (i in seq_len(nrow(out))) {
  r <- out[i, ]
  if (i %% (length(keys) + 3) > length(keys) || i %% (length(keys) + 3) == 0) r <- r[1:4]
  writeLines(paste(format(r, digits = 17), collapse = " "), con)
}
close(con)
