"""pandas as the independent reference reader of text exports, on pandas 2 and 3 alike.

pandas 2 parses floats with a converter that can be off in the last bit unless
``float_precision="round_trip"`` is asked for; pandas 3 parses every float with one exact
converter and deprecates the argument (pandas-dev/pandas#64666: all its modes already used the
same converter). :func:`read_csv_exact` asks for the exact converter on each, so the reference
values are the same bits on both and no deprecation warning is raised.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

_PANDAS_MAJOR = int(pd.__version__.split(".", 1)[0])


def read_csv_exact(path: Any, **options: Any) -> pd.DataFrame:
    """``pd.read_csv(path, **options)`` with floats parsed exactly (round trip)."""
    if _PANDAS_MAJOR < 3:
        options["float_precision"] = "round_trip"
    return pd.read_csv(path, **options)
