"""trident.ray: libtrident as Ray Data's actor autoscaler and concurrency policy.

    import trident.ray
    trident.ray.install()             # or: RAY_DATA_EXECUTION_CALLBACKS=trident.ray.TridentCallback
    ds = ray.data.range(...).map_batches(Model, compute=ray.data.ActorPoolStrategy(min_size=1, max_size=16))

Supports exactly the Ray version in RAY_VERSION (the adapter touches Ray Data internals; see docs/python.md).
"""
from __future__ import annotations

import dataclasses
from typing import Any, Optional

from . import _ray_internals as _ri
from .adapter import CONFIG, AdapterConfig, TridentActorAutoscaler, TridentCallback, TridentConcurrencyPolicy

RAY_VERSION = _ri.RAY_VERSION


def install(config: Optional[AdapterConfig] = None, *, data_context: Any = None, check_version: bool = True,
            **fields: Any) -> type[TridentCallback]:
    """Registers TridentCallback with the current DataContext (one call), with AdapterConfig fields given as
    an AdapterConfig or as keywords (install(window_s=0.5)).  Raises RuntimeError on a Ray version other than
    RAY_VERSION unless check_version is False."""
    if check_version and _ri.ray_version() != RAY_VERSION:
        raise RuntimeError(f"trident.ray supports ray {RAY_VERSION}, this is ray {_ri.ray_version()}: "
                           "pass check_version=False to try anyway")
    chosen = config or AdapterConfig()
    if fields:
        chosen = dataclasses.replace(chosen, **fields)
    for f in dataclasses.fields(AdapterConfig):
        setattr(CONFIG, f.name, getattr(chosen, f.name))
    _ri.register_callback(TridentCallback, data_context)
    return TridentCallback


def knobs() -> dict[str, int]:
    """Inside a UDF: the knob values of the config libtrident has this operator run (install(knobs=...)), or {}.
    Actor UDFs need ActorPoolStrategy(..., enable_true_multi_threading=True) to see them (docs/python.md)."""
    return dict(_ri.current_task_kwargs().get("trident", {}))


def uninstall(data_context: Any = None) -> None:
    _ri.unregister_callback(TridentCallback, data_context)


__all__ = ["AdapterConfig", "RAY_VERSION", "TridentActorAutoscaler", "TridentCallback",
           "TridentConcurrencyPolicy", "install", "knobs", "uninstall"]
