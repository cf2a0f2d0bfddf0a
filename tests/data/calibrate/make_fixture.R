# Reference results of R's survey package for commdx's calibration (include/commdx/calibrate.hpp).
#
#   Rscript tests/data/calibrate/make_fixture.R      (from the repository root; survey >= 4.1)
#
# Data: tests/data/r/synth_sample.csv, the example city's survey sample (strata = 17 wards, PSUs =
# 136 residential groups, weights, fpc = groups in the ward; 6109 households).
# Margins: made here from the sample's own weighted counts, each moved by a fixed factor so that
# the calibration has work to do (as a commune's records differ from its survey): households by
# ward, households by head's education (0-5), and the number of residents (a total). They are
# written to margins.csv, which the Python test reads, so both sides calibrate to the same totals.
# Writes margins.csv, weights.csv (calibrated weights per household) and expected.csv (estimates,
# SEs and design effects), with 17 significant digits.
suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "fail")
here <- "tests/data/calibrate"
d <- read.csv("tests/data/r/synth_sample.csv")
d$ward <- factor(d$ward_code)
d$edu <- factor(d$head_education)

# --- margins -----------------------------------------------------------------------------------
N <- round(sum(d$weight) * 1.02)
shares <- function(f, factors) {
  wt <- tapply(d$weight, f, sum)
  raw <- wt * rep_len(factors, length(wt))
  counts <- round(raw / sum(raw) * N)
  counts[length(counts)] <- N - sum(counts[-length(counts)])
  counts
}
ward_pop <- shares(d$ward, c(1.04, 0.97, 1.00, 1.06, 0.95, 1.02, 0.99))
edu_pop <- shares(d$edu, c(1.10, 1.05, 0.98, 0.96, 1.03, 0.93))
members_pop <- round(sum(d$weight * d$members) * 1.035)
margins <- rbind(
  data.frame(margin = "ward_code", category = names(ward_pop), population = as.vector(ward_pop)),
  data.frame(margin = "head_education", category = names(edu_pop), population = as.vector(edu_pop)),
  data.frame(margin = "members", category = "", population = members_pop))
write.csv(margins, file.path(here, "margins.csv"), row.names = FALSE)

# --- designs -----------------------------------------------------------------------------------
base <- list(
  fpc = svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, fpc = ~fpc, data = d, nest = TRUE),
  nofpc = svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d, nest = TRUE))
pop_vector <- c(`(Intercept)` = N, setNames(ward_pop[-1], paste0("ward", names(ward_pop)[-1])),
                setNames(edu_pop[-1], paste0("edu", names(edu_pop)[-1])), members = members_pop)
form <- ~ward + edu + members
bounds <- c(0.87, 1.2)
eps <- 1e-12
calibrations <- function(des) list(
  poststratify = postStratify(des, ~edu, data.frame(edu = names(edu_pop), Freq = as.vector(edu_pop))),
  linear = calibrate(des, form, pop_vector, calfun = "linear", epsilon = eps, maxit = 100),
  raking = calibrate(des, form, pop_vector, calfun = "raking", epsilon = eps, maxit = 100),
  linear_bounded = calibrate(des, form, pop_vector, calfun = "linear", bounds = bounds, epsilon = eps, maxit = 100),
  raking_bounded = calibrate(des, form, pop_vector, calfun = "raking", bounds = bounds, epsilon = eps, maxit = 100))

# the bounds must bind, else the bounded fixtures test nothing more than the unbounded ones
g_lin <- weights(calibrations(base$fpc)$linear) / d$weight
stopifnot(min(g_lin) < bounds[1] || max(g_lin) > bounds[2])

# --- estimates ---------------------------------------------------------------------------------
means <- ~bank_account + e_wallet + members + car_etc
rows <- list()
add <- function(cal, fpc, stat, variable, domain, cell, e) {
  rows[[length(rows) + 1]] <<- data.frame(calibration = cal, fpc = fpc, stat = stat, variable = variable,
                                          domain = domain, cell = cell, estimate = as.vector(coef(e)),
                                          se = as.vector(SE(e)), deff = as.vector(deff(e)))
}
weights_out <- data.frame(household_id = d$household_id)
for (fpc in names(base)) {
  cals <- calibrations(base[[fpc]])
  for (cal in c("none", names(cals))) {
    des <- if (cal == "none") base[[fpc]] else cals[[cal]]
    if (fpc == "fpc" && cal != "none") weights_out[[cal]] <- weights(des)
    for (stat in c("mean", "total")) {
      f <- if (stat == "mean") svymean else svytotal
      for (v in all.vars(means)) {
        e <- f(as.formula(paste0("~", v)), des, na.rm = TRUE, deff = TRUE)
        add(cal, fpc, stat, v, "", "", e)
        b <- svyby(as.formula(paste0("~", v)), ~ward_code, des, f, na.rm = TRUE, deff = TRUE)
        add(cal, fpc, stat, v, "ward_code", as.character(b$ward_code), b)
      }
    }
    r <- svyratio(~adults_bank_account, ~adults, des, na.rm = TRUE, deff = TRUE)
    add(cal, fpc, "ratio", "adults_bank_account/adults", "", "", r)
    b <- svyby(~adults_bank_account, ~ward_code, des, svyratio, denominator = ~adults, na.rm = TRUE, deff = TRUE)
    add(cal, fpc, "ratio", "adults_bank_account/adults", "ward_code", as.character(b$ward_code), b)
  }
}
out <- do.call(rbind, rows)
fmt <- function(x) formatC(x, digits = 17, format = "g")
out$estimate <- fmt(out$estimate)
out$se <- fmt(out$se)
out$deff <- fmt(out$deff)
write.csv(out, file.path(here, "expected.csv"), row.names = FALSE)
for (k in names(weights_out)[-1]) weights_out[[k]] <- fmt(weights_out[[k]])
write.csv(weights_out, file.path(here, "weights.csv"), row.names = FALSE)
cat("R", R.version$major, ".", R.version$minor, " survey ", as.character(packageVersion("survey")), ": ",
    nrow(out), " estimates\n", sep = "")
