"""Small array helpers shared by the :mod:`mhsip.stats` modules (private)."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
IntArray: TypeAlias = npt.NDArray[np.intp]
StrArray: TypeAlias = npt.NDArray[np.str_]


def as_float(x: npt.ArrayLike) -> FloatArray:
    """Return ``x`` as a float64 ndarray; ``None`` entries become NaN (missing)."""
    arr = np.asarray(x)
    if arr.dtype == object:
        is_none = np.array([v is None for v in arr.ravel().tolist()], dtype=np.bool_)
        arr = np.where(is_none.reshape(arr.shape), np.nan, arr)
    return np.asarray(arr, dtype=np.float64)


def check_conf_level(conf_level: float) -> float:
    """Validate a two-sided confidence level in (0, 1) and return it as a float."""
    level = float(conf_level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"conf_level must be strictly between 0 and 1, got {conf_level!r}")
    return level


def check_non_negative(x: FloatArray, name: str) -> None:
    """Raise ``ValueError`` if any non-missing value of ``x`` is negative."""
    if np.any(x < 0):
        raise ValueError(f"{name} must be non-negative (use NaN for a missing value)")
