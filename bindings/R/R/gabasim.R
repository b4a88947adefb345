# gabasim.R - the R face of libgabasim. Each function takes the command line's options as
# arguments (--out-every is out_every, --hd-schedule hd_schedule), with the same units ("300mg",
# "8h"; a bare number only where the command line takes one: crcl, age, days, doses, n, seed),
# passes them as text to the C glue, which parses them with the library's own parsers and calls
# the library as the command does. Errors are the library's one-line messages.

# An argument as the command line's text: whole numbers without an exponent, others the
# shortest of %.15g and %.17g that reads back as the same double (0.1, not 0.10000000000000001).
.opt_text <- function(x) {
  if (is.null(x)) return(NULL)
  if (is.logical(x)) return(if (isTRUE(x)) "TRUE" else NULL)
  if (is.numeric(x)) {
    short <- sprintf("%.15g", x)
    full <- ifelse(is.finite(x) & as.numeric(short) == x, short, sprintf("%.17g", x))
    return(ifelse(is.finite(x) & x == round(x) & abs(x) < 1e15, sprintf("%.0f", x), full))
  }
  as.character(x)
}

.opts <- function(...) {
  args <- list(...)
  # NA is not "not given": a dropped crcl = NA would silently become the default CrCl 100 mL/min
  for (name in names(args)) {
    if (anyNA(args[[name]])) {
      stop(sprintf("'--%s' is NA; give a value or leave the argument out", gsub("_", "-", name)),
           call. = FALSE)
    }
  }
  l <- lapply(args, .opt_text)
  l[!vapply(l, is.null, NA)]
}

.result <- function(x, json, text, class) {
  attr(x, "json") <- json
  attr(x, "text") <- text
  # data frames print as data frames; the lists print as the command prints them
  class(x) <- c(class, if (!is.data.frame(x)) "gabasim_text", class(x))
  x
}

#' @export
print.gabasim_text <- function(x, ...) {
  cat(attr(x, "text"))
  invisible(x)
}

.csv_text <- function(df, quote = FALSE) {
  con <- textConnection("lines", "w", local = TRUE)
  on.exit(close(con))
  write.csv(df, con, row.names = FALSE, quote = quote, na = ".")
  paste0(paste(textConnectionValue(con), collapse = "\n"), "\n")
}

gabasim_version <- function() .Call(gsr_version)

simulate <- function(drug, dose = NULL, every = NULL, days = NULL, doses = NULL,
                     titrate = NULL, miss = NULL, extra = NULL, start_steady = FALSE,
                     crcl = NULL, scr = NULL, age = NULL, sex = NULL, weight = NULL,
                     height = NULL, dialysis = FALSE, hd_schedule = NULL, until = NULL,
                     out_every = NULL, solver = NULL, rtol = NULL, atol = NULL) {
  o <- .opts(drug = drug, dose = dose, every = every, days = days, doses = doses,
             titrate = titrate, miss = miss, extra = extra, start_steady = start_steady,
             crcl = crcl, scr = scr, age = age, sex = sex, weight = weight, height = height,
             dialysis = dialysis, hd_schedule = hd_schedule, until = until,
             out_every = out_every, solver = solver, rtol = rtol, atol = atol)
  r <- .Call(gsr_simulate, o)
  out <- data.frame(ID = 1L, time = r$time, conc = r$conc, depot = r$depot,
                    central = r$central, unabsorbed = r$unabsorbed,
                    eliminated = r$eliminated, auc = r$auc, CRCL = r$crcl, AGE = r$age,
                    WT = r$weight, SEX = r$sex)
  attr(out, "summary") <- fromJSON(r$json, simplifyVector = TRUE)
  .result(out, r$json, r$text, "gabasim_profile")
}

population <- function(drug, n = NULL, seed = NULL, dose = NULL, every = NULL, days = NULL,
                       doses = NULL, titrate = NULL, miss = NULL, extra = NULL,
                       start_steady = FALSE, crcl = NULL, scr = NULL, age = NULL, sex = NULL,
                       weight = NULL, height = NULL, dialysis = FALSE, hd_schedule = NULL,
                       covariates = NULL, variability = NULL, until = NULL,
                       out_every = NULL, window_from = NULL, window_to = NULL,
                       threshold = NULL, percentiles = NULL, threads = NULL, solver = NULL,
                       rtol = NULL, atol = NULL, data = NULL, subjects = FALSE,
                       params = FALSE) {
  if (!is.null(percentiles)) percentiles <- paste(.opt_text(percentiles), collapse = ",")
  o <- .opts(drug = drug, n = n, seed = seed, dose = dose, every = every, days = days,
             doses = doses, titrate = titrate, miss = miss, extra = extra,
             start_steady = start_steady, crcl = crcl, scr = scr, age = age, sex = sex,
             weight = weight, height = height, dialysis = dialysis,
             hd_schedule = hd_schedule, covariates = covariates,
             variability = variability, until = until, out_every = out_every,
             window_from = window_from, window_to = window_to, threshold = threshold,
             percentiles = percentiles, threads = threads, solver = solver, rtol = rtol,
             atol = atol, subjects = subjects, params = params)
  if (!is.null(data)) return(.population_data(o, data))
  r <- .Call(gsr_population, o)
  out <- as.data.frame(r$percentiles)
  attr(out, "summary") <- fromJSON(r$json, simplifyVector = TRUE)
  if (!is.null(r$subjects)) attr(out, "subjects") <- read.csv(text = r$subjects)
  if (!is.null(r$params)) attr(out, "params") <- read.csv(text = r$params)
  .result(out, r$json, r$text, "gabasim_population")
}

.population_data <- function(o, data) {
  if (is.character(data) && length(data) == 1L) {
    data <- read.csv(data, na.strings = c(".", "NA", ""), check.names = FALSE)
  }
  if (!is.data.frame(data)) stop("'data' is not a data frame or a CSV file name", call. = FALSE)
  names(data) <- toupper(names(data))
  r <- .Call(gsr_population_data, o, .csv_text(data))
  out <- if (length(r$PRED) == nrow(data)) {
    na <- function(x) ifelse(is.nan(x), NA_real_, x) # rows that are not observations
    cbind(data, PRED = na(r$PRED), IPRED = na(r$IPRED), SIMDV = na(r$SIMDV))
  } else {
    read.csv(text = r$csv, na.strings = ".")
  }
  attr(out, "csv") <- r$csv
  out
}

ev <- function(amt, ii = 0, addl = 0, time = 0, ID = 1L, cmt = 1L, obs = NULL) {
  num <- function(x, dim, field) {
    if (is.character(x)) .Call(gsr_units, x, dim, field) else as.numeric(x)
  }
  amt <- num(amt, "dose", "amt")
  ii <- num(ii, "time", "ii")
  time <- num(time, "time", "time")
  doses <- data.frame(ID = as.integer(ID), TIME = time, AMT = amt, EVID = 1L,
                      CMT = as.integer(cmt), II = ii, ADDL = as.integer(addl), MDV = 1L,
                      DV = NA_real_)
  if (is.null(obs)) return(doses)
  obs <- num(obs, "time", "obs")
  rows <- expand.grid(TIME = obs, ID = unique(doses$ID))
  o <- data.frame(ID = as.integer(rows$ID), TIME = rows$TIME, AMT = NA_real_, EVID = 0L,
                  CMT = 2L, II = NA_real_, ADDL = NA_integer_, MDV = 0L, DV = NA_real_)
  out <- rbind(doses, o)
  out <- out[order(out$ID, out$TIME, -out$EVID), ]
  rownames(out) <- NULL
  out
}

advise <- function(drug = "gabapentin", crcl = NULL, scr = NULL, age = NULL, sex = NULL,
                   weight = NULL, height = NULL, dialysis = FALSE, hd_schedule = NULL,
                   target = NULL, dose = NULL, every = NULL, titrate = NULL, days = NULL,
                   n = NULL, seed = NULL, with = NULL, pain = NULL) {
  o <- .opts(drug = drug, crcl = crcl, scr = scr, age = age, sex = sex, weight = weight,
             height = height, dialysis = dialysis, hd_schedule = hd_schedule,
             target = target, dose = dose, every = every, titrate = titrate, days = days,
             n = n, seed = seed, with = with, pain = pain)
  r <- .Call(gsr_advise, o)
  .result(fromJSON(r$json, simplifyVector = TRUE), r$json, r$text, "gabasim_advice")
}

trial <- function(spec, replicates = NULL, n_grid = NULL, observed = NULL, seed = NULL,
                  threads = NULL) {
  if (!is.null(n_grid)) n_grid <- paste(.opt_text(n_grid), collapse = ",")
  o <- .opts(spec = spec, replicates = replicates, n_grid = n_grid, observed = observed,
             seed = seed, threads = threads)
  r <- .Call(gsr_trial, o)
  out <- fromJSON(r$json, simplifyVector = TRUE)
  attr(out, "table") <- read.csv(text = r$csv)
  .result(out, r$json, r$text, "gabasim_trial")
}

meta <- function(file, method = NULL, hk = FALSE, level = NULL, measure = NULL, by = NULL,
                 mods = NULL, egger = FALSE, leave_one_out = FALSE, influence = FALSE,
                 cumulative = FALSE, order = NULL) {
  if (!is.null(mods)) mods <- paste(mods, collapse = ",")
  o <- .opts(method = method, hk = hk, level = level, measure = measure, by = by, mods = mods,
             egger = egger, "leave-one-out" = leave_one_out, influence = influence,
             cumulative = cumulative, order = order)
  csv <- NULL
  if (is.data.frame(file)) {
    csv <- .csv_text(file, quote = TRUE)
  } else {
    o$file <- as.character(file)
  }
  r <- .Call(gsr_meta, o, csv)
  .result(fromJSON(r$json, simplifyVector = TRUE), r$json, r$text, "gabasim_meta")
}
