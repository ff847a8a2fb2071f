"""Plans: immutable, owned by Python, independent of their context (the C plan never points into it), so a Plan
may outlive the Context that made it."""
from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass
from typing import Any

from ._lib import ffi, lib, string
from .errors import check


class ActionKind(enum.IntEnum):
    START = lib.TRD_ACTION_START
    STOP = lib.TRD_ACTION_STOP
    RECONFIGURE = lib.TRD_ACTION_RECONFIGURE
    PROBE = lib.TRD_ACTION_PROBE


class SolveStatus(enum.IntEnum):
    NONE = 0
    OPTIMAL = lib.TRD_SOLVE_OPTIMAL
    FEASIBLE = lib.TRD_SOLVE_FEASIBLE
    FALLBACK = lib.TRD_SOLVE_FALLBACK


@dataclass(frozen=True)
class Action:
    kind: ActionKind
    op: int
    node: int
    member: int
    config: int
    from_config: int
    count: int
    round: int
    op_name: str = ""
    node_name: str = ""


@dataclass(frozen=True)
class Target:
    op: int
    node: int
    member: int
    config: int
    instances: int
    op_name: str = ""
    node_name: str = ""


def _free_plan(lib_: Any) -> Any:
    # The closure holds the library, so no plan is freed after the library is gone (interpreter exit).
    def free(ptr: Any) -> None:
        lib_.trd_plan_free(ptr)
    return free


class Plan:
    """A reconfiguration plan: the target deployment and the ordered actions that reach it."""

    def __init__(self, ptr: Any, op_names: list[str], node_names: list[str]) -> None:
        self._ptr = ffi.gc(ptr, _free_plan(lib))
        p = self._ptr
        self.id: int = lib.trd_plan_id(p)
        self.epoch: int = lib.trd_plan_epoch(p)
        self.predicted_throughput: float = lib.trd_plan_predicted_throughput(p)
        self.bottleneck: int = lib.trd_plan_bottleneck(p)
        self.solve_status = SolveStatus(lib.trd_plan_solve_status(p))
        self.mip_gap: float = lib.trd_plan_mip_gap(p)
        self.solve_ms: float = lib.trd_plan_solve_ms(p)
        self.reason: str = string(lib.trd_plan_reason(p))

        def name(names: list[str], i: int) -> str:
            return names[i] if 0 <= i < len(names) else ""

        n = lib.trd_plan_action_count(p)
        buf = ffi.new("trd_action[]", max(n, 1))
        check(lib.trd_plan_get_actions(p, buf, n, ffi.NULL))
        self.actions: tuple[Action, ...] = tuple(
            Action(ActionKind(a.kind), a.op, a.node, a.member, a.config, a.from_config, a.count, a.round,
                   name(op_names, a.op), name(node_names, a.node)) for a in buf[0:n])
        n = lib.trd_plan_target_count(p)
        tbuf = ffi.new("trd_target[]", max(n, 1))
        check(lib.trd_plan_get_targets(p, tbuf, n, ffi.NULL))
        self.targets: tuple[Target, ...] = tuple(
            Target(t.op, t.node, t.member, t.config, t.instances, name(op_names, t.op), name(node_names, t.node))
            for t in tbuf[0:n])

    @property
    def bottleneck_name(self) -> str:
        return next((t.op_name for t in self.targets if t.op == self.bottleneck), "")

    def instances(self) -> dict[str, int]:
        """Target instances per operator name, over all nodes and configs."""
        out: dict[str, int] = {}
        for t in self.targets:
            out[t.op_name] = out.get(t.op_name, 0) + t.instances
        return out

    def to_json(self) -> str:
        """The library's JSON for the plan (trd_plan_to_json: locale-independent, no wall time in it)."""
        n = ffi.new("size_t *")
        check(lib.trd_plan_to_json(self._ptr, ffi.NULL, 0, n))
        buf = ffi.new("char[]", n[0] + 1)
        check(lib.trd_plan_to_json(self._ptr, buf, n[0] + 1, n))
        return ffi.string(buf, n[0]).decode("utf-8")

    def to_dict(self) -> dict[str, Any]:
        """The plan as plain data: the library's JSON, plus the actions and targets as this module reads them."""
        d: dict[str, Any] = json.loads(self.to_json())
        d["solve_ms"] = self.solve_ms
        d["python_actions"] = [asdict(a) for a in self.actions]
        d["python_targets"] = [asdict(t) for t in self.targets]
        return d

    def __repr__(self) -> str:
        return (f"Plan(id={self.id}, predicted_throughput={self.predicted_throughput:.4g}, "
                f"actions={len(self.actions)}, reason={self.reason!r})")
