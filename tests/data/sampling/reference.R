# Independent reference numbers for tests/cpp/test_sampling.cpp and tests/python/test_sampling.py:
# the textbook formulas written out in base R (no commdx code), with PracTools' own closed forms
# (nProp, nCont, strAlloc, as in its R sources) beside the step-by-step ones. Run:
#   Rscript tests/data/sampling/reference.R
# and compare with the numbers quoted in the tests' comments.
options(digits = 15)
z <- qnorm(0.975)
cat("z95 =", z, "\n")

# 1. p = 0.5, e = 0.05, 95%, no fpc: Cochran (1977) eq. 4.2, n0 = z^2 pq / e^2
n0 <- z^2 * 0.25 / 0.05^2
cat("1. n0 =", n0, " n =", ceiling(n0), "\n")

# 2. p = 0.5, e = 0.03, N = 1251: Cochran's n0 / (1 + (n0 - 1)/N) and PracTools nProp's closed form
#    n = N/(N-1) pq / (V0 + pq/(N-1)), V0 = (e/z)^2 -- the same number
N <- 1251; V0 <- (0.03 / z)^2; pq <- 0.25
n0 <- pq / V0
cat("2. n0 =", n0, " cochran =", n0 / (1 + (n0 - 1) / N), " nProp =", N / (N - 1) * pq / (V0 + pq / (N - 1)), "\n")

# 3. a ward: p = 0.3, e = 0.05, deff = 1.8, N = 4285, response 0.85
p <- 0.3; N <- 4285; deff <- 1.8; rr <- 0.85
n0 <- z^2 * p * (1 - p) / 0.05^2; nd <- n0 * deff; nf <- nd / (1 + (nd - 1) / N); nc <- nf / rr
# exact variance check: V(p) = deff (N - n)/(N - 1) p q / n at n = nf equals (e/z)^2
cat("3. n0 =", n0, " n_deff =", nd, " n_fpc =", nf, " n_contact =", nc, " n =", ceiling(nc),
    " respondents =", ceiling(nf), " V check =", deff * (N - nf) / (N - 1) * p * (1 - p) / nf / (0.05 / z)^2, "\n")

# 4. a mean with a relative SE: S2 = 4.2^2, ybar = 3.6, CV0 = 0.05, N = 2000 (PracTools nCont:
#    n = S2 / (V0 + S2/N), V0 = (CV0 ybar)^2)
S2 <- 4.2^2; yb <- 3.6; N <- 2000; V0 <- (0.05 * yb)^2
cat("4. n0 =", S2 / V0, " nCont =", S2 / (V0 + S2 / N), "\n")

# 5. a proportion with a relative SE: p = 0.2, CV0 = 0.1, N = 5000 (PracTools nProp with CV0:
#    n = N/(N-1) (q/p) / (CV0^2 + q/(p (N-1))))
p <- 0.2; N <- 5000; cv <- 0.1
cat("5. n0 =", (1 - p) / (p * cv^2), " nProp =", N / (N - 1) * ((1 - p) / p) / (cv^2 + (1 - p) / (p * (N - 1))), "\n")

# 6. PracTools vignette "Singlestage-samsize" (Valliant, Dever & Kreuter 2018, ch. 3, the smho98
#    strata): Neyman allocation of n.tot = 100, strAlloc's nh <- n.tot * Wh * Sh / sum(Wh * Sh)
Nh <- c(215, 65, 252, 50, 149, 144)
Sh <- c(26787207, 10645109, 6909676, 11085034, 9817762, 44553355)
ch <- c(1400, 200, 300, 600, 450, 1000)
Wh <- Nh / sum(Nh)
ney <- 100 * Wh * Sh / sum(Wh * Sh)
cat("6. neyman nh =", ney, "\n")
lr <- function(x) { f <- floor(x); k <- round(sum(x)) - sum(f); o <- order(-(x - f)); f[o[seq_len(k)]] <- f[o[seq_len(k)]] + 1; f }
cat("   largest remainder =", lr(ney), "\n")
# 7. totcost, cost = 100000: n.cost <- cost * d1 / sum(Wh * Sh * sqrt(ch)), d1 = sum(Wh * Sh / sqrt(ch))
d1 <- sum(Wh * Sh / sqrt(ch)); ncost <- 100000 * d1 / sum(Wh * Sh * sqrt(ch))
cat("7. totcost n =", ncost, " nh =", ncost * (Wh * Sh / sqrt(ch)) / d1, "\n")
# 8. totvar, CV0 = 0.05, ybarU = 11664181: n.cost <- d1 * d2 / d3
V0 <- (0.05 * 11664181)^2; d2 <- sum(Wh * Sh * sqrt(ch)); d3 <- V0 + sum(Wh * Sh^2) / sum(Nh)
cat("8. totvar n =", d1 * d2 / d3, "\n")
# anticipated variance of the stratified mean for the integer Neyman allocation
nh <- lr(ney)
cat("   V(neyman integer) =", sum(Wh^2 * (1 - nh / Nh) * Sh^2 / nh), "\n")

# 9. power allocation (Bankier 1988) without S_h, Y_h: nh proportional to Nh^q, q = 0.5
Nh <- c(10000, 1000, 100); a <- sqrt(Nh); x <- 300 * a / sum(a)
cat("9. power nh =", x, " integer =", lr(x), "\n")
# 10. power with S_h and Y_h, q = 0.5: a_h = Nh^q Sh Yh^(q-1)
Sh <- c(0.5, 0.45, 0.3); Yh <- c(0.5, 0.3, 0.1); a <- Nh^0.5 * Sh * Yh^(-0.5); x <- 300 * a / sum(a)
cat("10. power (S, Y) nh =", x, " integer =", lr(x), "\n")
