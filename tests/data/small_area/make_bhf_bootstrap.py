"""Writes samplics_bhf_bootstrap.csv: samplics' parametric-bootstrap MSE of the unit-level
(Battese-Harter-Fuller) EBLUP on its own county-crop data (Battese, Harter & Fuller 1988: corn
hectares of 37 segments in 12 Iowa counties, auxiliaries the corn and soybean pixels; samplics
0.6's load_county_crop / load_county_crop_means), REML, no population sizes, 200 replicates,
numpy seed 1. Frozen because it takes ~25 s (statsmodels refits) where the test file must stay
quick. Run: /work/venv/bin/python tests/data/small_area/make_bhf_bootstrap.py
"""
import pathlib
import warnings

import numpy as np
import pandas as pd

warnings.simplefilter("ignore")  # samplics announces it is archived; statsmodels' convergence notes
from samplics.datasets import load_county_crop, load_county_crop_means  # noqa: E402
from samplics.sae import EblupUnitModel  # noqa: E402
from samplics.utils.types import FitMethod  # noqa: E402

d = load_county_crop()["data"]
m = load_county_crop_means()["data"]
np.random.seed(1)
e = EblupUnitModel(method=FitMethod.reml)
e.fit(d["corn_area"], d[["corn_pixel", "soybeans_pixel"]], d["county_id"], tol=1e-10, maxiter=500)
e.predict(m[["ave_corn_pixel", "ave_soybeans_pixel"]], m["county_id"])
e.bootstrap_mse(number_reps=200, show_progress=False)
out = pd.DataFrame({"county_id": list(e.area_mse_boot), "mse_boot": list(e.area_mse_boot.values())})
out.to_csv(pathlib.Path(__file__).with_name("samplics_bhf_bootstrap.csv"), index=False, float_format="%.10g")
