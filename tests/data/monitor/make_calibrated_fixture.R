# Builds the calibrated fixtures of tests/cpp/test_monitor_calibrated.cpp and
# tests/python/test_monitor.py: the change between two rounds when each round is calibrated to
# its own known totals (issue 14, R4: "every estimate, domain, change test ... taken from [a
# calibrated design] has the right SE").
#   calibration_margins.csv      each round's population totals: households by area (A, B) and
#                                the number of adults (a total); made here from the round's own
#                                weighted counts, each moved by a fixed factor (as a commune's
#                                records differ from its survey);
#   expected_calibrated_changes.csv  R survey's estimates of each round, the change and its SE, for
#                                the three designs of make_fixture.R (panel, independent,
#                                independent_grown) x three calibrations (poststratify by area,
#                                linear and raking on area + adults), overall and per domain.
# In R the rounds are stacked and calibrated once, each round's margins their own constraints
# (r0A, r0B, r0adults, r1A, ...; post-strata round x area): no constraint spans both rounds, so
# the weights and the calibration residuals are those of calibrating each round on its own,
# which is what commdx does (one calibrate() per round, passed to test_changes).
# Run from this directory, after make_fixture.R:  Rscript make_calibrated_fixture.R
suppressPackageStartupMessages(library(survey))

designs <- list(panel = "rounds.csv", independent = "rounds_indep.csv", independent_grown = "rounds_grown.csv")
first <- read.csv("rounds.csv", stringsAsFactors = FALSE)

# --- margins: per round, households by area and the adults' total --------------------------------
factors <- list(`0` = c(A = 1.06, B = 0.95, adults = 1.03), `1` = c(A = 0.97, B = 1.04, adults = 0.98))
margins <- NULL
for (r in c(0, 1)) {
  d <- first[first$round == r, ]
  f <- factors[[as.character(r)]]
  a <- round(sum(d$weight[d$area == "A"]) * f[["A"]])
  b <- round(sum(d$weight[d$area == "B"]) * f[["B"]])
  ad <- round(sum(d$weight * d$adults) * f[["adults"]])
  margins <- rbind(margins, data.frame(round = r, margin = c("area", "area", "adults"),
                                       category = c("A", "B", ""), population = c(a, b, ad)))
}
write.csv(margins, "calibration_margins.csv", row.names = FALSE)
pop <- function(r, m, cat = "") margins$population[margins$round == r & margins$margin == m & margins$category == cat]

# svyby(covmat = TRUE) fails on a calibrated design in survey 4.1.1 ("number of items to
# replace is not a multiple of replacement length"), so each domain's estimate is written as the
# ratio of two totals it is, sum(w y [round r, domain]) / sum(w x [round r, domain]) (x = 1 for a
# mean, has_car for etc, adults for acc_per_adult), and svycontrast takes the delta method on
# svytotal's covariance matrix of the four totals: the same linearisation as svyby + svycontrast,
# with the calibration residuals of every total (svyrecvar).
contrast_rows <- function(design, label, calibration) {
  data <- design$variables
  specs <- list(bank = c("bank", ""), noise = c("noise", ""), etc = c("etc0", "has_car"),
                acc_per_adult = c("acc", "adults"))
  out <- list()
  for (by in list(NULL, "area", "stratum")) {
    domains <- if (is.null(by)) "" else sort(unique(data[[by]]))
    for (variable in names(specs)) {
      for (dom in domains) {
        inside <- if (is.null(by)) rep(TRUE, nrow(data)) else data[[by]] == dom
        y <- data[[specs[[variable]][1]]]
        x <- if (specs[[variable]][2] == "") rep(1, nrow(data)) else data[[specs[[variable]][2]]]
        for (r in c(0, 1)) {
          keep <- inside & data$round == r
          design$variables[[paste0("ny", r)]] <- ifelse(keep, y, 0)
          design$variables[[paste0("dx", r)]] <- ifelse(keep, x, 0)
        }
        t <- svytotal(~ny0 + dx0 + ny1 + dx1, design)
        ct <- svycontrast(t, list(before = quote(ny0 / dx0), after = quote(ny1 / dx1),
                                  change = quote(ny1 / dx1 - ny0 / dx0)))
        est <- coef(ct)
        v <- vcov(ct)
        out[[length(out) + 1]] <- data.frame(design = label, calibration = calibration, domain = dom,
          variable = variable, before = unname(est[1]), se_before = sqrt(v[1, 1]),
          after = unname(est[2]), se_after = sqrt(v[2, 2]), change = unname(est[3]),
          se_change = sqrt(v[3, 3]), stringsAsFactors = FALSE)
      }
    }
  }
  do.call(rbind, out)
}

expected <- NULL
for (label in names(designs)) {
  d <- read.csv(designs[[label]], stringsAsFactors = FALSE)
  d$etc0 <- ifelse(is.na(d$etc), 0, d$etc)
  d$has_car <- as.numeric(!is.na(d$etc))
  d$vstratum <- if (label == "panel") d$stratum else paste(d$stratum, d$round, sep = ".")
  for (r in c(0, 1)) {
    d[[paste0("r", r, "A")]] <- as.numeric(d$round == r & d$area == "A")
    d[[paste0("r", r, "B")]] <- as.numeric(d$round == r & d$area == "B")
    d[[paste0("r", r, "adults")]] <- ifelse(d$round == r, d$adults, 0)
  }
  d$cell <- paste(d$round, d$area, sep = ".")
  des <- svydesign(ids = ~psu, strata = ~vstratum, weights = ~weight, fpc = ~fpc, data = d)
  cells <- expand.grid(area = c("A", "B"), round = c(0, 1), stringsAsFactors = FALSE)
  post <- data.frame(cell = paste(cells$round, cells$area, sep = "."),
                     Freq = mapply(function(r, a) pop(r, "area", a), cells$round, cells$area))
  totals <- c(r0A = pop(0, "area", "A"), r0B = pop(0, "area", "B"), r0adults = pop(0, "adults"),
              r1A = pop(1, "area", "A"), r1B = pop(1, "area", "B"), r1adults = pop(1, "adults"))
  form <- ~0 + r0A + r0B + r0adults + r1A + r1B + r1adults
  # the reference's own check: uncalibrated, these contrasts are make_fixture.R's svyby + svycontrast
  if (label == "panel") {
    plain <- contrast_rows(des, label, "none")
    old <- read.csv("expected_changes.csv", stringsAsFactors = FALSE)
    old <- old[old$design == "panel", ]
    m <- merge(plain, old, by = c("domain", "variable"))
    stopifnot(nrow(m) == 24, max(abs(m$se_change.x - m$se_change.y) / m$se_change.y) < 1e-12)
  }
  cals <- list(
    poststratify = postStratify(des, ~cell, post),
    linear = calibrate(des, form, totals, calfun = "linear", epsilon = 1e-12, maxit = 100),
    raking = calibrate(des, form, totals, calfun = "raking", epsilon = 1e-12, maxit = 100))
  for (cal in names(cals)) {
    # the calibration met every margin (else the fixture would test another calibration)
    w <- weights(cals[[cal]])
    stopifnot(abs(sum(w[d$round == 1 & d$area == "B"]) - pop(1, "area", "B")) < 1e-6)
    expected <- rbind(expected, contrast_rows(cals[[cal]], label, cal))
  }
}
expected[] <- lapply(expected, function(col) if (is.numeric(col)) sprintf("%.17g", col) else col)
write.csv(expected, "expected_calibrated_changes.csv", row.names = FALSE, quote = FALSE)
cat("R", R.version.string, "survey", as.character(packageVersion("survey")), "\n")
