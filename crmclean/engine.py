"""Where a run's work happens: ``local`` (this process) or ``dask`` (Dask's distributed scheduler).

    with session("dask") as client:          # a LocalCluster sized to this machine
        ...
    with session("dask", "tcp://HOST:8786"):  # an existing cluster (or DASK_SCHEDULER_ADDRESS)
        ...

Dask is an optional extra (``pip install 'crmclean[dask]'``). Its worker processes import the code that
started them, so a Python script that uses ``engine="dask"`` must run it under
``if __name__ == "__main__":`` (the CLI does). On a cluster, every worker must be able to read the
input file at the same path the client gives (a shared or copied file system): workers read their
own byte ranges of it; outputs are written by the client only.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING, Literal

from crmclean.errors import UsageError

if TYPE_CHECKING:
    from distributed import Client

Engine = Literal["local", "dask"]
ENGINES: tuple[Engine, ...] = ("local", "dask")
ADDRESS_VARIABLE = "DASK_SCHEDULER_ADDRESS"  # Dask's own name for the scheduler's address


def require_distributed() -> ModuleType:
    """The ``distributed`` package, or a UsageError (exit 2) that says how to install it."""
    try:
        import distributed
    except ImportError as e:
        raise UsageError(
            "--engine dask needs Dask's distributed scheduler, which is not installed: "
            "pip install 'crmclean[dask]'"
        ) from e
    return distributed


@contextmanager
def session(engine: str = "local", scheduler: str | None = None) -> Iterator[Client | None]:
    """A Dask Client for ``engine="dask"`` (closed at the end; a LocalCluster started here is shut
    down too), None for ``local``. ``scheduler``: the address of a running scheduler, else
    ``DASK_SCHEDULER_ADDRESS``, else a LocalCluster of one single-threaded worker process per core."""
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    if engine == "local":
        if scheduler:
            raise UsageError("--scheduler needs --engine dask")
        yield None
        return
    distributed = require_distributed()
    address = scheduler or os.environ.get(ADDRESS_VARIABLE) or None
    if address:
        try:
            client = distributed.Client(address)
        except OSError as e:  # refused, timed out, unknown host: the address, not crmclean
            raise UsageError(
                f"cannot reach the Dask scheduler at {address}: {e}",
                hint="check --scheduler / DASK_SCHEDULER_ADDRESS, or leave both out for a local cluster",
            ) from None
        with client:
            yield client
        return
    with local_cluster() as client:
        yield client


@contextmanager
def local_cluster(workers: int | None = None) -> Iterator[Client]:
    """A Client of a ``distributed.LocalCluster`` of ``workers`` single-threaded worker processes
    (default: one per core), quiet and without a dashboard; both are shut down at the end."""
    distributed = require_distributed()
    with (
        distributed.LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client
