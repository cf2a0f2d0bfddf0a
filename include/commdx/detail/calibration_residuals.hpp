#pragma once
// What estimate.hpp's domain_estimator needs to know of a calibrated design (calibrate.hpp makes
// it): the calibrated weights, the design weights they came from, and the calibration
// variables orthonormalised under the design weights. With Q the thin Q factor of
// diag(sqrt(w)) X (X the calibration variables, one column per constraint), basis row i is
// Q_i / sqrt(w_i), so that sum_i w_i basis_i basis_i' = I. The influence value of record i under
// calibration is then w_cal_i z_i - w_cal_i basis_i . sum_k w_k basis_k z_k: the calibrated weight
// times the residual of z from its design-weighted regression on X, as R's svyrecvar does with
// the qr of a calibrate() or postStratify() design.
#include <cstddef>
#include <vector>

namespace commdx::detail {

struct calibration_residuals {
  std::vector<double> weights;   ///< calibrated weights, row order
  std::vector<double> original;  ///< the design weights before calibration, row order
  std::vector<double> basis;     ///< rows x rank, row-major
  std::size_t rank = 0;
};

}  // namespace commdx::detail
