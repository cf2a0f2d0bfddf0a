#pragma once
// Internals of small_area.hpp's unit-level model (Battese, Harter & Fuller 1988; Rao & Molina
// 2015, ch. 7): the nested-error regression y_ij = x_ij' beta + u_i + e_ij, u_i ~ N(0, s2u),
// e_ij ~ N(0, s2e), fitted by ML or REML on the sample.
//
// Per area V_i = s2e H_i, H_i = I + lambda J (lambda = s2u / s2e), H_i^-1 = I - c_i J with
// c_i = lambda / (1 + n_i lambda) and |H_i| = 1 + n_i lambda. So every quantity of the likelihood
// comes from per-area sums (n_i, X_i'1, X_i'X_i, X_i'y, 1'y, y'y): an evaluation costs O(m p^2).
// With beta and s2e profiled out (beta by GLS, s2e = r'H^-1 r / (n - p) for REML, / n for ML):
//   ML    l(lambda) = -n/2 log s2e(lambda) - 1/2 sum log(1 + n_i lambda)
//   REML  l(lambda) = -(n-p)/2 log s2e(lambda) - 1/2 sum log(1 + n_i lambda) - 1/2 log|X'H^-1 X|
// a function of one parameter, maximised over the intra-class correlation rho = lambda / (1 + lambda)
// in [0, 1): a grid brackets the maximum, then bisection on the sign of the score
//   dl/dlambda = (dof / 2) sum_i (S_i / (1 + n_i lambda))^2 / Q - 1/2 sum_i n_i / (1 + n_i lambda)
//                [REML: + 1/2 sum_i sx_i' (X'H^-1 X)^-1 sx_i / (1 + n_i lambda)^2]
// (Q = r'H^-1 r, S_i = the sum of area i's residuals; beta drops out by the envelope theorem)
// locates it to rounding, where a search on the likelihood's values would stop at sqrt(eps).
// Hand-written: a bracketed one-dimensional root is a dozen lines and keeps the boundary s2u = 0
// an ordinary point; Eigen has no optimiser and the project takes no other numerical library.
// The number of evaluations is fixed by the grid and the tolerance: no time budget.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include <Eigen/Dense>

namespace commdx::small_area::detail {

/// The sufficient statistics of one sampled area.
struct unit_area_sums {
  double n = 0;
  Eigen::VectorXd sx;   // X_i' 1
  Eigen::MatrixXd sxx;  // X_i' X_i
  Eigen::VectorXd sxy;  // X_i' y
  double sy = 0, syy = 0;
};

struct nested_fit {
  double lambda = 0, s2e = 0, s2u = 0;
  double loglik = 0;        // the profiled (restricted) log-likelihood, without constants
  Eigen::VectorXd beta;
  Eigen::MatrixXd a_inv;    // (X' V^-1 X)^-1 = Var(beta_GLS) at the estimates
  std::size_t evaluations = 0;
  bool converged = false;
};

struct profile_value {
  double loglik = 0, s2e = 0, score = 0;
  Eigen::VectorXd beta;
  Eigen::MatrixXd xhx;  // X' H^-1 X
};

inline profile_value profile(const std::vector<unit_area_sums>& a, const Eigen::MatrixXd& sxx, const Eigen::VectorXd& sxy,
                             double syy, double n, bool reml, double lambda) {
  const auto p = sxx.rows();
  profile_value out;
  out.xhx = sxx;
  Eigen::VectorXd xhy = sxy;
  double yhy = syy, logdet = 0;
  for (const auto& s : a) {
    const double c = lambda / (1.0 + s.n * lambda);
    out.xhx.noalias() -= c * s.sx * s.sx.transpose();
    xhy.noalias() -= c * s.sy * s.sx;
    yhy -= c * s.sy * s.sy;
    logdet += std::log1p(s.n * lambda);
  }
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(out.xhx);
  out.beta = ldlt.solve(xhy);
  const double rhr = std::max(yhy - out.beta.dot(xhy), 1e-300);
  const double dof = reml ? n - static_cast<double>(p) : n;
  out.s2e = rhr / dof;
  out.loglik = -0.5 * dof * std::log(out.s2e) - 0.5 * logdet;
  if (reml) out.loglik -= 0.5 * ldlt.vectorD().array().log().sum();
  double dq = 0, dlogdet = 0, dlogx = 0;
  for (const auto& s : a) {
    const double h = 1.0 + s.n * lambda;
    dq += std::pow((s.sy - s.sx.dot(out.beta)) / h, 2);
    dlogdet += s.n / h;
    if (reml) dlogx += s.sx.dot(ldlt.solve(s.sx)) / (h * h);
  }
  out.score = 0.5 * dof * dq / rhr - 0.5 * dlogdet + 0.5 * dlogx;
  return out;
}

/// Maximises the profiled likelihood over rho in [0, 1): 40 grid points (the fit at rho = 0
/// included) bracket the maximum, then bisection on the score's sign until the bracket is
/// narrower than `tolerance` (on rho) or max_iterations steps are spent. The maximum is on the
/// boundary s2u = 0 when the best grid point is 0 and the score there is <= 0.
inline nested_fit fit_nested(const std::vector<unit_area_sums>& a, bool reml, std::size_t max_iterations, double tolerance) {
  const Eigen::Index p = a.front().sx.size();
  Eigen::MatrixXd sxx = Eigen::MatrixXd::Zero(p, p);
  Eigen::VectorXd sxy = Eigen::VectorXd::Zero(p);
  double syy = 0, n = 0;
  for (const auto& s : a) {
    sxx += s.sxx;
    sxy += s.sxy;
    syy += s.syy;
    n += s.n;
  }
  nested_fit out;
  auto at = [&](double rho) {
    ++out.evaluations;
    return profile(a, sxx, sxy, syy, n, reml, rho / (1.0 - rho));
  };
  constexpr int grid = 40;
  constexpr double top = 1.0 - 1e-6;
  double best_ll = 0;
  int best = 0;
  for (int k = 0; k <= grid; ++k) {
    const double ll = at(top * k / grid).loglik;
    if (k == 0 || ll > best_ll) {
      best = k;
      best_ll = ll;
    }
  }
  double lo = top * std::max(best - 1, 0) / grid, hi = top * std::min(best + 1, grid) / grid;
  if (best == 0 && at(0.0).score <= 0.0) {
    hi = 0.0;
    out.converged = true;
  }
  for (std::size_t k = 0; k < max_iterations && !out.converged; ++k) {
    if (hi - lo <= tolerance) {
      out.converged = true;
      break;
    }
    const double mid = 0.5 * (lo + hi);
    (at(mid).score > 0.0 ? lo : hi) = mid;
  }
  const double rho = 0.5 * (lo + hi);
  const profile_value v = at(rho);
  out.lambda = rho / (1.0 - rho);
  out.s2e = v.s2e;
  out.s2u = out.lambda * out.s2e;
  out.loglik = v.loglik;
  out.beta = v.beta;
  out.a_inv = out.s2e * v.xhx.ldlt().solve(Eigen::MatrixXd::Identity(p, p));
  return out;
}

}  // namespace commdx::small_area::detail
