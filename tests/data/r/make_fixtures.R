# Reference results of R's survey package for commdx's estimate stage (include/commdx/estimate.hpp).
#
#   Rscript tests/data/r/make_fixtures.R          (from the repository root; survey >= 4.1)
#
# Writes, beside this script:
#   apistrat.csv, apiclus1.csv, apiclus2.csv  the rows of survey's data(api) used (column names with
#                                             '.' replaced by '_'; sch_wide and comp_imp as 0/1)
#   city_lonely.csv                           city_sample.csv with two wards cut to one PSU each
#   expected.csv                              one row per (design, statistic, variable, domain cell)
# city_sample.csv itself comes from make_city_sample.py (run that first if it is missing).
# Every number is written with 17 significant digits so the C++/Python tests can compare to 1e-9.
suppressPackageStartupMessages(library(survey))
here <- local({
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f)) dirname(normalizePath(f)) else "tests/data/r"
})
data(api)
prep <- function(d) {
  names(d) <- gsub(".", "_", names(d), fixed = TRUE)
  d$sch_wide <- as.numeric(d$sch_wide == "Yes")
  d$comp_imp <- as.numeric(d$comp_imp == "Yes")
  d$stype <- as.character(d$stype)
  d
}
keep <- c("cds", "stype", "dnum", "snum", "pw", "api00", "api99", "enroll", "meals", "acs_k3",
          "sch_wide", "comp_imp")
apistrat <- prep(apistrat)[, c(keep, "fpc")]
apistrat$fpc_frac <- as.vector(table(apistrat$stype)[apistrat$stype]) / apistrat$fpc
apiclus1 <- prep(apiclus1)[, c(keep, "fpc")]
apiclus2 <- prep(apiclus2)[, c(keep, "fpc1")]
city <- read.csv(file.path(here, "city_sample.csv"), colClasses = c(ward_code = "character",
                 stratum = "character", psu = "character", group_code = "character",
                 neighbourhood_code = "character"))
# The synth stage's example city sample (make_synth_sample.py froze it as CSV).
synth <- read.csv(file.path(here, "synth_sample.csv"), colClasses = c(ward_code = "character",
                  stratum = "character", psu = "character", group_code = "character",
                  neighbourhood_code = "character"))
# Two wards left with one PSU each: the lonely-PSU cases.
lonely <- city
for (w in c("26506", "26515")) {
  first <- lonely$psu[lonely$stratum == w][1]
  lonely <- lonely[lonely$stratum != w | lonely$psu == first, ]
}
num <- function(x) sprintf("%.17g", x)
write.csv(apistrat, file.path(here, "apistrat.csv"), row.names = FALSE, na = "")
write.csv(apiclus1, file.path(here, "apiclus1.csv"), row.names = FALSE, na = "")
write.csv(apiclus2, file.path(here, "apiclus2.csv"), row.names = FALSE, na = "")
write.csv(lonely, file.path(here, "city_lonely.csv"), row.names = FALSE, na = "")
datasets <- list(apistrat = apistrat, apiclus1 = apiclus1, apiclus2 = apiclus2, city = city,
                 city_lonely = lonely, synth = synth)

# design id, data, weight, strata, psu, fpc, lonely.psu
designs <- list(
  list("strat_fpc", "apistrat", "pw", "stype", "", "fpc", "fail"),
  list("strat_fpc_fraction", "apistrat", "pw", "stype", "", "fpc_frac", "fail"),
  list("strat_nofpc", "apistrat", "pw", "stype", "", "", "fail"),
  list("strat_cluster_api", "apistrat", "pw", "stype", "dnum", "", "fail"),
  list("clus1_fpc", "apiclus1", "pw", "", "dnum", "fpc", "fail"),
  list("clus1_nofpc", "apiclus1", "pw", "", "dnum", "", "fail"),
  list("clus2_stage1_fpc", "apiclus2", "pw", "", "dnum", "fpc1", "fail"),
  list("city_fpc", "city", "weight", "stratum", "psu", "fpc", "fail"),
  list("city_nofpc", "city", "weight", "stratum", "psu", "", "fail"),
  list("city_unweighted_srs", "city", "", "", "", "", "fail"),
  list("synth_fpc", "synth", "weight", "stratum", "psu", "fpc", "fail"),
  list("synth_nofpc", "synth", "weight", "stratum", "psu", "", "fail"),
  list("lonely_remove", "city_lonely", "weight", "stratum", "psu", "fpc", "remove"),
  list("lonely_adjust", "city_lonely", "weight", "stratum", "psu", "fpc", "adjust"),
  list("lonely_average", "city_lonely", "weight", "stratum", "psu", "fpc", "average"),
  list("lonely_certainty", "city_lonely", "weight", "stratum", "psu", "fpc", "certainty"),
  list("lonely_adjust_nofpc", "city_lonely", "weight", "stratum", "psu", "", "adjust"),
  list("lonely_average_nofpc", "city_lonely", "weight", "stratum", "psu", "", "average")
)
api_vars <- list(mean = c("api00", "enroll", "acs_k3", "meals"), total = c("enroll", "acs_k3"),
                 prop = c("sch_wide", "comp_imp"), ratio = list(c("api00", "api99"), c("acs_k3", "enroll")),
                 by = "stype")
city_vars <- list(mean = c("head_education", "conv_egov", "members"),
                  total = c("adults_bank_account", "pay_online_water"),
                  prop = c("bank_account", "pay_online_water", "car_etc"),
                  ratio = list(c("adults_bank_account", "adults"), c("members_buy_postmart_voso", "members")),
                  by = c("ward_code", "neighbourhood_code"))

synth_vars <- list(mean = c("head_education", "conv_egov"), total = c("adults_bank_account"),
                   prop = c("bank_account", "pay_online_water", "e_wallet"),
                   ratio = list(c("adults_bank_account", "adults"), c("adults_smartphone", "adults")),
                   by = c("ward_code", "neighbourhood_code"))

out <- list()
add <- function(d, stat, variable, denominator, by, by_value, est, se, deff, lo = NA, hi = NA,
                df = NA) {
  # The logit interval written out (svyciprop's definition, without its glm fit), on the
  # domain's design degrees of freedom (svyciprop's default df = degf(design), which counts the
  # domain's PSUs before records missing the variable are dropped): R's svyciprop itself breaks
  # down numerically at 1 df.
  q <- qt(0.975, df)
  flo <- if (stat == "prop") plogis(qlogis(est) - q * se / (est * (1 - est))) else NA
  fhi <- if (stat == "prop") plogis(qlogis(est) + q * se / (est * (1 - est))) else NA
  out[[length(out) + 1]] <<- data.frame(design = d[[1]], dataset = d[[2]], weight = d[[3]],
    strata = d[[4]], psu = d[[5]], fpc = d[[6]], lonely = d[[7]], stat = stat, variable = variable,
    denominator = denominator, by = by, by_value = as.character(by_value), estimate = num(est),
    se = num(se), deff = num(deff), ci_low = num(lo), ci_high = num(hi), df = num(df),
    logit_low = num(flo), logit_high = num(fhi), stringsAsFactors = FALSE)
}
f <- function(x) if (x == "") NULL else as.formula(paste0("~", x))

for (d in designs) {
  options(survey.lonely.psu = d[[7]])
  data <- datasets[[d[[2]]]]
  des <- svydesign(ids = if (d[[5]] == "") ~1 else f(d[[5]]), strata = f(d[[4]]),
                   weights = f(d[[3]]), fpc = f(d[[6]]), data = data, nest = TRUE)
  v <- if (startsWith(d[[2]], "api")) api_vars else if (d[[2]] == "synth") synth_vars else city_vars
  for (stat in c("mean", "total")) for (x in v[[stat]]) {
    fun <- if (stat == "mean") svymean else svytotal
    r <- fun(f(x), des, na.rm = TRUE, deff = TRUE)
    ci <- confint(r)
    add(d, stat, x, "", "", "", coef(r), SE(r), deff(r), ci[1], ci[2])
    for (b in v$by) {
      r <- svyby(f(x), f(b), des, fun, na.rm = TRUE, deff = TRUE)
      ci <- confint(r)
      add(d, stat, x, "", b, r[[b]], coef(r), SE(r), deff(r), ci[, 1], ci[, 2])
    }
  }
  for (x in v$prop) {
    r <- svyciprop(f(x), des, method = "logit", na.rm = TRUE)
    m <- svymean(f(x), des, na.rm = TRUE, deff = TRUE)
    add(d, "prop", x, "", "", "", coef(m), SE(m), deff(m), confint(r)[1], confint(r)[2],
        degf(des))
    for (b in v$by) {
      # svyciprop's glm fails on a domain with no answers at all (car_etc where nobody has a
      # car): those domains have no reference row.
      r <- tryCatch(svyby(f(x), f(b), des, svyciprop, method = "logit", vartype = "ci", na.rm = TRUE),
                    error = function(e) NULL)
      if (is.null(r)) { message("skipped svyciprop ", d[[1]], " ", x, " by ", b); next }
      m <- svyby(f(x), f(b), des, svymean, na.rm = TRUE, deff = TRUE)
      stopifnot(all(r[[b]] == m[[b]]))
      df <- sapply(m[[b]], function(v) degf(subset(des, des$variables[[b]] == v)))
      add(d, "prop", x, "", b, m[[b]], coef(m), SE(m), deff(m), r$ci_l, r$ci_u, df)
    }
  }
  for (xy in v$ratio) {
    r <- svyratio(f(xy[1]), f(xy[2]), des, na.rm = TRUE, deff = TRUE)
    ci <- confint(r)
    add(d, "ratio", xy[1], xy[2], "", "", coef(r), SE(r), deff(r), ci[1], ci[2])
    for (b in v$by) {
      r <- svyby(f(xy[1]), f(b), des, svyratio, denominator = f(xy[2]), na.rm = TRUE, deff = TRUE)
      ci <- confint(r)
      add(d, "ratio", xy[1], xy[2], b, r[[b]], coef(r), SE(r), deff(r), ci[, 1], ci[, 2])
    }
  }
}
res <- do.call(rbind, out)
res[res == "NA"] <- ""
write.csv(res, file.path(here, "expected.csv"), row.names = FALSE, na = "")
cat("wrote", nrow(res), "reference rows with survey", as.character(packageVersion("survey")), "\n")
