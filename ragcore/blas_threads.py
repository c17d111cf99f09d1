"""How many threads numpy's BLAS may use in a process that answers queries.

Query-time linear algebra is small (a 1,600 x 384 matrix times one vector for the scope examples,
a few dozen chunk vectors), and OpenBLAS splits even that over every core: on two cores that
other processes keep busy, one such product took 8 ms with two threads and 0.08 ms with one
(measured side by side). Requests are the parallelism of a server; one BLAS thread each is enough.
"""

from __future__ import annotations

from threadpoolctl import threadpool_limits


def limit_blas_threads(threads: int) -> None:
    """Cap the BLAS libraries loaded in this process (numpy's, scipy's) at ``threads``, process-wide;
    0 leaves the libraries' own default. PyTorch and ONNX Runtime keep their own thread settings."""
    if threads > 0:
        threadpool_limits(limits=threads, user_api="blas")
