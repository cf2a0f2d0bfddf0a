#pragma once
// Internals of small_area.hpp: the Fay-Herriot fit (Fisher scoring for the area variance, GLS for
// beta) and its MSE terms. Every quantity is computed from m-vectors and p x p matrices (V is
// diagonal), so a fit over a thousand residential groups costs O(m p^2) per iteration, not O(m^3).
//
// Notation (Rao & Molina 2015, ch. 6): theta_i = x_i' beta + u_i + e_i, u_i ~ (0, s2), e_i ~ (0, D_i)
// with D_i known; v_i = s2 + D_i; V = diag(v); A = X' V^-1 X; r = y - X beta_GLS.
//   REML score  s(s2) = -tr(P)/2 + |V^-1 r|^2 / 2,   information I = tr(P P)/2,
//     P = V^-1 - V^-1 X A^-1 X' V^-1, so tr(P) = sum 1/v - tr(A^-1 X'V^-2 X) and
//     tr(PP) = sum 1/v^2 - 2 tr(A^-1 X'V^-3 X) + tr(C C), C = A^-1 X'V^-2 X.
//   ML score    s(s2) = -sum(1/v)/2 + sum(r^2/v^2)/2,  information I = sum(1/v^2)/2.
//   Fisher scoring s2 <- max(0, s2 + s/I).
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "commdx/error.hpp"

namespace commdx::small_area::detail {

/// Refuses a design matrix whose columns are collinear, column by column on the columns scaled
/// to unit length, so the message names the first coefficient that adds nothing to the ones
/// before it; `over` says over what ("12 sampled areas").
inline void refuse_collinear(const Eigen::MatrixXd& x, const std::vector<std::string>& coefficients, const location& where,
                             const std::string& over) {
  for (Eigen::Index c = 1; c <= x.cols(); ++c) {
    Eigen::MatrixXd lead = x.leftCols(c);
    for (Eigen::Index j = 0; j < c; ++j) {
      const double nrm = lead.col(j).norm();
      if (nrm > 0) lead.col(j) /= nrm;
    }
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(lead);
    qr.setThreshold(1e-10);
    if (qr.rank() < c)
      throw input_error(where.in_column(coefficients[static_cast<std::size_t>(c - 1)]),
                        "auxiliary is constant or collinear with the ones before it over the " + over);
  }
}

struct gls {
  Eigen::VectorXd beta;
  Eigen::MatrixXd a_inv;  // (X' V^-1 X)^-1 = Var(beta_GLS)
  Eigen::VectorXd resid;  // y - X beta
};

inline gls gls_fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& v) {
  const Eigen::VectorXd w = v.cwiseInverse();
  const Eigen::MatrixXd a = x.transpose() * w.asDiagonal() * x;
  gls g;
  g.a_inv = a.ldlt().solve(Eigen::MatrixXd::Identity(a.rows(), a.cols()));
  g.beta = g.a_inv * (x.transpose() * w.cwiseProduct(y));
  g.resid = y - x * g.beta;
  return g;
}

/// Score and Fisher information of REML (reml = true) or ML at s2.
inline void score(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& d, double s2, bool reml,
                  double& s, double& info) {
  const Eigen::VectorXd v = (d.array() + s2).matrix();
  const gls g = gls_fit(x, y, v);
  const Eigen::ArrayXd w = v.cwiseInverse().array();
  const double vr2 = (g.resid.array() * w).square().sum();
  if (!reml) {
    s = -0.5 * w.sum() + 0.5 * vr2;
    info = 0.5 * w.square().sum();
    return;
  }
  const Eigen::MatrixXd x2 = x.transpose() * w.square().matrix().asDiagonal() * x;
  const Eigen::MatrixXd x3 = x.transpose() * w.cube().matrix().asDiagonal() * x;
  const Eigen::MatrixXd c = g.a_inv * x2;
  const double tr_p = w.sum() - c.trace();
  const double tr_pp = w.square().sum() - 2.0 * (g.a_inv * x3).trace() + (c * c).trace();
  s = -0.5 * tr_p + 0.5 * vr2;
  info = 0.5 * tr_pp;
}

/// The Prasad-Rao moment estimator of s2 (OLS residuals), not truncated: the scoring's start.
inline double moment_start(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& d) {
  const auto m = x.rows(), p = x.cols();
  const Eigen::MatrixXd xtx_inv = (x.transpose() * x).ldlt().solve(Eigen::MatrixXd::Identity(p, p));
  const Eigen::VectorXd r = y - x * (xtx_inv * (x.transpose() * y));
  double lev = 0;  // sum D_i (1 - h_ii)
  for (Eigen::Index i = 0; i < m; ++i) lev += d(i) * (1.0 - x.row(i) * xtx_inv * x.row(i).transpose());
  return (r.squaredNorm() - lev) / static_cast<double>(m - p);
}

struct scoring {
  double s2 = 0;
  std::size_t iterations = 0;
  bool converged = false;
  bool truncated = false;  // the unconstrained step went below 0 at the end: s2 = 0
};

/// Fisher scoring from the moment start (0 if negative). Converged when a step changes s2 by at
/// most tolerance * (s2 + mean D): relative to the total variance, so that s2 = 0 can converge.
inline scoring fisher_scoring(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& d, bool reml,
                              std::size_t max_iterations, double tolerance) {
  scoring out;
  const double scale = d.mean();
  out.s2 = std::max(0.0, moment_start(x, y, d));
  for (std::size_t k = 0; k < max_iterations; ++k) {
    double s = 0, info = 0;
    score(x, y, d, out.s2, reml, s, info);
    const double next = out.s2 + s / info;
    const double clipped = std::max(0.0, next);
    const double step = std::abs(clipped - out.s2);
    out.truncated = next < 0.0;
    out.s2 = clipped;
    out.iterations = k + 1;
    if (step <= tolerance * (out.s2 + scale)) {
      out.converged = true;
      break;
    }
  }
  return out;
}

/// Li & Lahiri's (2010) adjusted REML: the maximum of the residual likelihood times h(s2) = s2,
/// strictly positive, for a REML fit whose maximum is at 0. Bisection on the adjusted score
/// s(s2) + 1/s2 (> 0 near 0) between 0 and the first doubling of mean D where it is <= 0, to a
/// relative 1e-14 (at most 200 halvings and 200 doublings: no time budget).
inline double li_lahiri(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& d) {
  auto adjusted = [&](double s2) {
    double s = 0, info = 0;
    score(x, y, d, s2, true, s, info);
    return s + 1.0 / s2;
  };
  double lo = 0.0, hi = d.mean();
  for (int k = 0; k < 200 && adjusted(hi) > 0.0; ++k) {
    lo = hi;
    hi *= 2.0;
  }
  for (int k = 0; k < 200 && hi - lo > 1e-14 * hi; ++k) {
    const double mid = 0.5 * (lo + hi);
    (adjusted(mid) > 0.0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace commdx::small_area::detail
