"""commdx: tools for Vietnam's Community Digital Technology Teams.

Places and teams, survey estimates with honest error bars, adoption and readiness scores,
central/remote classes, outreach plans and monthly reports, over a C++17 core.
"""
from __future__ import annotations

import os as _os

# Developer builds (cmake without pip) put _core in <build>/python/commdx; COMMDX_CORE_DIR points
# there so the sources in python/commdx can be tested without reinstalling (ARCHITECTURE.md).
if _os.environ.get("COMMDX_CORE_DIR"):
    __path__.append(_os.environ["COMMDX_CORE_DIR"])  # noqa: F821  (package __path__)

try:
    from . import _core
except ImportError as _exc:  # pragma: no cover - only without a build
    raise ImportError(
        "commdx's compiled module commdx._core is missing: install the package with "
        "'pip install .' from the repository root (or 'make install'), or set COMMDX_CORE_DIR "
        "to a CMake build's python/commdx directory"
    ) from _exc

from ._core import ConfigError, Error, InputError, NameMatchError, ValidationError

__version__: str = _core.__version__

# Each stage module defines __all__; the public API is their union.
from .places import *  # noqa: E402,F401,F403
from .places import __all__ as _places_all  # noqa: E402
from .teams import *  # noqa: E402,F401,F403
from .teams import __all__ as _teams_all  # noqa: E402
from .survey import *  # noqa: E402,F401,F403
from .survey import __all__ as _survey_all  # noqa: E402
from .estimate import *  # noqa: E402,F401,F403
from .estimate import __all__ as _estimate_all  # noqa: E402
from .calibrate import *  # noqa: E402,F401,F403
from .calibrate import __all__ as _calibrate_all  # noqa: E402
from .indicators import *  # noqa: E402,F401,F403
from .indicators import __all__ as _indicators_all  # noqa: E402
from .scores import *  # noqa: E402,F401,F403
from .scores import __all__ as _scores_all  # noqa: E402
from .classify import *  # noqa: E402,F401,F403
from .classify import __all__ as _classify_all  # noqa: E402
from .plan import *  # noqa: E402,F401,F403
from .plan import __all__ as _plan_all  # noqa: E402
from .monitor import *  # noqa: E402,F401,F403
from .monitor import __all__ as _monitor_all  # noqa: E402
from .targets import *  # noqa: E402,F401,F403
from .targets import __all__ as _targets_all  # noqa: E402
from .sampling import *  # noqa: E402,F401,F403
from .sampling import __all__ as _sampling_all  # noqa: E402
from .selection import *  # noqa: E402,F401,F403
from .selection import __all__ as _selection_all  # noqa: E402
from .small_area import *  # noqa: E402,F401,F403
from .small_area import __all__ as _small_area_all  # noqa: E402
from .xlsform import xlsform  # noqa: E402,F401  (commdx.xlsform: the questionnaire as an XLSForm)
from . import synth  # noqa: E402,F401  (commdx.synth: the example city generator)
from . import report  # noqa: E402,F401  (commdx.report: the monthly report document)
from . import keys  # noqa: E402,F401  (commdx.keys: the wards' pseudonym keys)
from . import registers  # noqa: E402,F401  (commdx.registers: the K10 channels and K5 events registers)

__all__ = [
    "Error", "InputError", "ValidationError", "ConfigError", "NameMatchError", "synth",
    *_places_all, *_teams_all, *_survey_all, *_estimate_all, *_calibrate_all, *_indicators_all,
    *_scores_all, *_classify_all, *_plan_all, *_monitor_all, *_targets_all,
    *_sampling_all, *_selection_all, *_small_area_all, "xlsform",
]
