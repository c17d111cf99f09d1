"""Held-out scores and thresholds for the message models (``ragcore.emergency``, ``ragcore.unsafe``):
each model's threshold is set on five-fold cross-validated probabilities, so it lets through the
chosen share of ordinary texts the fitted coefficients did not see."""

from __future__ import annotations

from typing import Any

import numpy as np


def held_out_probabilities(model: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``predict_proba`` of each row from a copy of ``model`` fitted without its fold."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    smallest = min(int(np.sum(y == label)) for label in np.unique(y))
    folds = StratifiedKFold(n_splits=min(5, smallest), shuffle=True, random_state=52)
    return cross_val_predict(model, x, y, cv=folds, method="predict_proba")


def threshold_passing(ordinary_scores: np.ndarray, share: float) -> float:
    """The score at or above which ``share`` of the ordinary texts fall."""
    return float(np.quantile(ordinary_scores, 1.0 - share)) + 1e-9
