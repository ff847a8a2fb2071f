"""The scikit-learn side of bench/gp_speed: the same fit and prediction as the C GP, timed in this process.

    gp_speed_sklearn.py DATA_FILE RESTARTS REPS

DATA_FILE holds one line per point: d features then the output.  The kernel, bounds, normalisation and jitter
match the C defaults (trd__gp_fit_defaults): C * Matern(nu=2.5, ARD) + White, normalize_y=True, alpha=1e-10,
L-BFGS-B from the initial values (length scales 1, constant 1, noise 0.1) plus RESTARTS random starts.
Prints "median_ms <value> lml <value>" on one line.
"""
from __future__ import annotations

import statistics
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel


def main() -> None:
    path, restarts, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    data = np.loadtxt(path, ndmin=2)
    X, y = data[:, :-1], data[:, -1]
    d = X.shape[1]
    warnings.simplefilter("ignore", ConvergenceWarning)
    times, lml = [], 0.0
    for rep in range(-1, reps):  # rep -1 warms up imports and caches, untimed
        kernel = (ConstantKernel(1.0, (1e-3, 1e2)) * Matern([1.0] * d, (1e-2, 1e2), nu=2.5)
                  + WhiteKernel(0.1, (1e-6, 1e1)))
        t0 = time.perf_counter()
        gp = GaussianProcessRegressor(kernel, alpha=1e-10, normalize_y=True, n_restarts_optimizer=restarts,
                                      random_state=max(rep, 0)).fit(X, y)
        gp.predict(X[:16], return_std=True)
        if rep >= 0:
            times.append((time.perf_counter() - t0) * 1e3)
        lml = float(gp.log_marginal_likelihood_value_)
    print(f"median_ms {statistics.median(times)!r} lml {lml!r}")


if __name__ == "__main__":
    main()
