# nca_loop.R - the same NCA rules as a plain R loop (AUC linear-up/log-down, lambda_z by
# adjusted r^2 with closed-form regressions), for bench/nca.sh: Rscript nca_loop.R N
n <- as.integer(commandArgs(trailingOnly = TRUE)[1])
grid <- c(0, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24)
set.seed(1)
prof <- lapply(seq_len(n), function(i) {
  k <- 0.05 + 0.3 * runif(1); ka <- 1.3
  10 * ka / (ka - k) * (exp(-k * grid) - exp(-ka * grid)) * (1 + 0.1 * (runif(12) - 0.5))
})
nca <- function(t, c) {
  im <- which.max(c); il <- max(which(c > 0))
  auc <- 0
  for (j in seq_len(il - 1))
    auc <- auc + if (c[j + 1] < c[j] && c[j + 1] > 0)
      (c[j] - c[j + 1]) / log(c[j] / c[j + 1]) * (t[j + 1] - t[j]) else
      (c[j] + c[j + 1]) / 2 * (t[j + 1] - t[j])
  best <- 0; fits <- list()
  for (m in 3:(il - im)) {
    idx <- (il - m + 1):il; x <- t[idx]; y <- log(c[idx])
    sxx <- sum((x - mean(x))^2); sxy <- sum((x - mean(x)) * (y - mean(y)))
    syy <- sum((y - mean(y))^2)
    adj <- 1 - (1 - sxy^2 / (sxx * syy)) * (m - 1) / (m - 2)
    fits[[length(fits) + 1]] <- c(m, -sxy / sxx, adj); best <- max(best, adj)
  }
  lz <- NA
  for (f in fits) if (f[3] > best - 1e-4 && f[2] > 0) lz <- f[2]
  auc + c[il] / lz
}
t0 <- proc.time()[["elapsed"]]
r <- vapply(prof, function(c) nca(grid, c), 0)
cat(sprintf("r_loop_s %.3f\nr_profiles %d\n", proc.time()[["elapsed"]] - t0, n))
