# R sampling's inclusionprobabilities on the example city's residential groups, the reference for
# commdx::selection::inclusion_probabilities (tests/cpp/test_selection.cpp).
#
#   Rscript tests/data/selection/make_fixture.R      # from the repository root; needs sampling
#
# Reads groups.csv (make_groups.py) and writes inclusion_r.csv: for every ward and for n = 8, 20
# and 80% of the ward's groups (rounded up), each group's inclusion probability pi_r, with 17
# significant digits. The groups' sizes (30-64 households) are too even for certainty units at
# 8 or 20 groups; at 80% the groups above about 1.25 times their ward's mean size are.
suppressPackageStartupMessages(library(sampling))
dir <- "tests/data/selection"
g <- read.csv(file.path(dir, "groups.csv"), colClasses = c("character", "character", "numeric"))
out <- list()
for (n in c(8, 20, 0.8)) {
  for (w in unique(g$ward_code)) {
    rows <- g[g$ward_code == w, ]
    k <- if (n < 1) ceiling(n * nrow(rows)) else min(n, nrow(rows))
    pi <- inclusionprobabilities(rows$size, k)
    stopifnot(abs(sum(pi) - k) < 1e-9)
    out[[length(out) + 1]] <- data.frame(ward_code = w, group_code = rows$group_code, size = rows$size,
                                         n = k, pi_r = formatC(pi, digits = 17, format = "g"))
  }
}
res <- do.call(rbind, out)
write.csv(res, file.path(dir, "inclusion_r.csv"), row.names = FALSE, quote = FALSE)
cat(sprintf("R %s, sampling %s: %d rows, %d certainty units\n", getRversion(), packageVersion("sampling"),
            nrow(res), sum(as.numeric(res$pi_r) == 1)))
