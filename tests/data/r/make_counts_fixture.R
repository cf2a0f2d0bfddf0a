# R survey's svytotal for the count indicators (issue 14, S1 and S2): expected_counts.csv.
#   Rscript tests/data/r/make_counts_fixture.R
# Inputs: counts_households.csv and counts_businesses.csv (make_counts_sample.py). One row per
# (indicator, level, unit): the total and its SE, overall and svyby ward, na.rm = TRUE (a record
# missing the variable, e.g. a household without the bill, is outside the total's domain).
suppressPackageStartupMessages(library(survey))
args <- commandArgs(FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
text <- c(ward_code = "character", group_code = "character", stratum = "character", psu = "character")
hh <- read.csv(file.path(here, "counts_households.csv"), colClasses = text)
bz <- read.csv(file.path(here, "counts_businesses.csv"), colClasses = c(text, type = "character"))

# the catalogue's {"any": [...]}: 1 when any column is 1, 0 when all are present and none is, else NA
any_of <- function(d, cols) {
  m <- as.matrix(d[cols])
  ifelse(rowSums(m == 1, na.rm = TRUE) > 0, 1, ifelse(rowSums(is.na(m)) == length(cols), NA, 0))
}
epay <- any_of(bz, c("accepts_qr", "accepts_bank_transfer", "accepts_card"))
types <- c("shop", "eatery", "shopping_centre", "market_stall", "lodging", "convenience_store", "enterprise")
for (t in types) {
  # outside the type the indicator's domain excludes the record: 0 in a total
  bz[[paste0(t, "_count")]] <- as.numeric(bz$type == t)
  bz[[paste0(t, "_e_payment_count")]] <- ifelse(bz$type == t, epay, 0)
}
bills <- c("electricity", "water", "internet", "cable_tv", "school_fees")
for (b in bills) hh[[paste0("pay_online_", b, "_count")]] <- hh[[paste0("pay_online_", b)]]
hh$residents_bank_account_count <- hh$adults_bank_account

dh <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, fpc = ~fpc, data = hh, nest = TRUE)
db <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, fpc = ~fpc, data = bz, nest = TRUE)
out <- list()
totals <- function(id, design) {
  f <- as.formula(paste0("~", id))
  all <- svytotal(f, design, na.rm = TRUE)
  out[[length(out) + 1]] <<- data.frame(indicator = id, level = "city", unit = "747", estimate = coef(all)[[1]],
                                        se = SE(all)[[1]])
  w <- svyby(f, ~ward_code, design, svytotal, na.rm = TRUE)
  out[[length(out) + 1]] <<- data.frame(indicator = id, level = "ward", unit = w$ward_code, estimate = coef(w),
                                        se = SE(w))
}
for (id in c("residents_bank_account_count", paste0("pay_online_", bills, "_count"))) totals(id, dh)
for (t in types) for (id in paste0(t, c("_count", "_e_payment_count"))) totals(id, db)
res <- do.call(rbind, out)
res$estimate <- sprintf("%.17g", res$estimate)
res$se <- sprintf("%.17g", res$se)
write.csv(res, file.path(here, "expected_counts.csv"), row.names = FALSE, quote = FALSE)
cat(R.version.string, "; survey", as.character(packageVersion("survey")), "\n")
