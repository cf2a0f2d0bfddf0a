# Builds the fixtures of tests/cpp/test_monitor.cpp and tests/python/test_monitor.py:
#   rounds.csv        a constructed two-round survey (stratified cluster sample, fpc), panel form:
#                     the same households in the same PSUs at round 0 and round 1;
#   rounds_indep.csv  the same rows, but round 1 relabelled as an independent sample
#                     (other PSU ids, the stratum split by round in the design);
#   rounds_grown.csv  rounds_indep.csv with a frame that grew by round 1 (another fpc per round);
#   expected_changes.csv  R survey's estimates of each round, the change and its standard error,
#                     from svyby(..., covmat = TRUE) + svycontrast(), overall and per domain.
# Run from this directory:  Rscript make_fixture.R
suppressPackageStartupMessages(library(survey))
set.seed(20221129)

strata <- c("S1", "S2", "S3")
n_psu  <- c(4, 5, 6)
N_psu  <- c(12, 20, 9)             # PSUs in the stratum population (fpc)
rows <- list()
for (h in seq_along(strata)) {
  for (j in seq_len(n_psu[h])) {
    m <- sample(5:9, 1)
    psu_effect <- rnorm(1, 0, 0.8)
    for (i in seq_len(m)) {
      adults <- sample(1:4, 1)
      p0 <- plogis(-0.6 + psu_effect + 0.3 * h)
      bank0 <- rbinom(1, 1, p0)
      # follow-up: some households adopt (the outreach), a few drop out of use (noise)
      bank1 <- if (bank0 == 1) rbinom(1, 1, 0.95) else rbinom(1, 1, 0.35)
      acc0 <- rbinom(1, adults, p0)
      acc1 <- min(adults, acc0 + rbinom(1, adults - acc0, 0.3))
      # a variable with no real change: both rounds drawn from the same distribution
      noise0 <- rbinom(1, 1, 0.5)
      noise1 <- rbinom(1, 1, 0.5)
      has_car <- rbinom(1, 1, 0.3)
      etc0 <- if (has_car == 1) rbinom(1, 1, 0.4) else NA
      etc1 <- if (has_car == 1) max(etc0, rbinom(1, 1, 0.3)) else NA
      area <- sample(c("A", "B"), 1, prob = c(0.6, 0.4))
      w <- round(N_psu[h] / n_psu[h] * runif(1, 8, 14), 3)
      id <- sprintf("H-%s-%02d-%02d", strata[h], j, i)
      common <- list(household_id = id, stratum = strata[h], psu = sprintf("%s-G%02d", strata[h], j),
                     fpc = N_psu[h], weight = w, area = area, adults = adults)
      rows[[length(rows) + 1]] <- c(common, list(round = 0, bank = bank0, acc = acc0, noise = noise0, etc = etc0))
      rows[[length(rows) + 1]] <- c(common, list(round = 1, bank = bank1, acc = acc1, noise = noise1, etc = etc1))
    }
  }
}
panel <- do.call(rbind, lapply(rows, as.data.frame, stringsAsFactors = FALSE))
write.csv(panel, "rounds.csv", row.names = FALSE, na = "")

indep <- panel
r1 <- indep$round == 1
indep$psu[r1] <- paste0(indep$psu[r1], "-R1")
indep$household_id[r1] <- paste0(indep$household_id[r1], "-R1")
write.csv(indep, "rounds_indep.csv", row.names = FALSE, na = "")

# The independent rounds again, the frame having grown by the follow-up: 3, 4 and 2 more
# residential groups in S1-S3, so round 1 has its own fpc (each round's variance takes its own).
grown <- indep
grown$fpc[r1] <- grown$fpc[r1] + c(S1 = 3, S2 = 4, S3 = 2)[grown$stratum[r1]]
write.csv(grown, "rounds_grown.csv", row.names = FALSE, na = "")

contrast_rows <- function(design, label) {
  out <- list()
  one <- function(stat_by, variable, domain) {
    # stat_by: svyby result with two rounds (and possibly domains), covmat = TRUE
    v <- vcov(stat_by)
    est <- coef(stat_by)
    k <- length(est)
    for (g in seq(1, k, by = 2)) {
      cvec <- rep(0, k); cvec[g] <- -1; cvec[g + 1] <- 1
      ct <- svycontrast(stat_by, cvec)
      dom <- if (is.null(domain)) "" else domain[(g + 1) / 2]
      out[[length(out) + 1]] <<- data.frame(design = label, domain = dom, variable = variable,
        before = unname(est[g]), se_before = sqrt(v[g, g]),
        after = unname(est[g + 1]), se_after = sqrt(v[g + 1, g + 1]),
        change = unname(coef(ct)), se_change = unname(SE(ct)), stringsAsFactors = FALSE)
    }
  }
  for (by in list(NULL, "area", "stratum")) {
    f <- if (is.null(by)) ~round else as.formula(paste("~round +", by))
    # svyby orders groups with the first factor varying fastest: round 0, round 1 per domain
    b <- svyby(~bank, f, design, svymean, covmat = TRUE)
    dom <- if (is.null(by)) NULL else as.character(b[[by]][seq(1, nrow(b), by = 2)])
    one(b, "bank", dom)
    b <- svyby(~noise, f, design, svymean, covmat = TRUE)
    one(b, "noise", dom)
    # etc is missing for households without a car. svyby(na.rm = TRUE) with covmat = TRUE fails
    # in survey 4.x, so the domain mean over car owners is written as the ratio it is:
    # sum(w etc [car]) / sum(w [car]), with etc set to 0 where it is missing.
    b <- svyby(~etc0, f, design, svyratio, denominator = ~has_car, covmat = TRUE)
    one(b, "etc", dom)
    b <- svyby(~acc, f, design, svyratio, denominator = ~adults, covmat = TRUE)
    one(b, "acc_per_adult", dom)
  }
  do.call(rbind, out)
}

panel$etc0 <- ifelse(is.na(panel$etc), 0, panel$etc)
panel$has_car <- as.numeric(!is.na(panel$etc))
indep$etc0 <- panel$etc0
indep$has_car <- panel$has_car
d_panel <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, fpc = ~fpc, data = panel)
indep$vstratum <- paste(indep$stratum, indep$round, sep = ".")
d_indep <- svydesign(ids = ~psu, strata = ~vstratum, weights = ~weight, fpc = ~fpc, data = indep)
grown$etc0 <- panel$etc0
grown$has_car <- panel$has_car
grown$vstratum <- indep$vstratum
d_grown <- svydesign(ids = ~psu, strata = ~vstratum, weights = ~weight, fpc = ~fpc, data = grown)
expected <- rbind(contrast_rows(d_panel, "panel"), contrast_rows(d_indep, "independent"),
                  contrast_rows(d_grown, "independent_grown"))
expected[] <- lapply(expected, function(col) if (is.numeric(col)) sprintf("%.17g", col) else col)
write.csv(expected, "expected_changes.csv", row.names = FALSE, quote = FALSE)
cat("R", R.version.string, "survey", as.character(packageVersion("survey")), "\n")
