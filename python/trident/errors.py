"""Exceptions mapped from trd_status codes.  Each carries the status, its name and the context's message (the
one precise sentence trd_ctx_last_error gives), and also derives from the built-in exception a Python caller
would expect (ValueError for a bad argument, KeyError for a missing name, MemoryError, OSError)."""
from __future__ import annotations

from typing import NoReturn

from ._lib import lib, string


class TridentError(Exception):
    """Base of every error the library reports."""

    status: int = 0

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status
        self.message = message

    @property
    def status_name(self) -> str:
        return string(lib.trd_status_name(self.status))

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.message


class InvalidArgument(TridentError, ValueError):
    status = lib.TRD_E_INVALID_ARG


class NoMemory(TridentError, MemoryError):
    status = lib.TRD_E_NOMEM


class StateError(TridentError, RuntimeError):
    """The call is not valid now (e.g. observe before a model is committed)."""

    status = lib.TRD_E_STATE


class NotFound(TridentError, KeyError):
    status = lib.TRD_E_NOT_FOUND


class OutOfRange(TridentError, ValueError):
    status = lib.TRD_E_OUT_OF_RANGE


class BufferTooSmall(TridentError):
    status = lib.TRD_E_BUFFER_TOO_SMALL


class ParseError(TridentError, ValueError):
    status = lib.TRD_E_PARSE


class TridentIOError(TridentError, OSError):
    status = lib.TRD_E_IO


class InvalidModel(TridentError, ValueError):
    status = lib.TRD_E_INVALID_MODEL


class LimitExceeded(TridentError):
    status = lib.TRD_E_LIMIT


class SolverError(TridentError):
    status = lib.TRD_E_SOLVER


class Infeasible(SolverError):
    """No deployment satisfies the model (a SolverError: the MILP found no plan)."""

    status = lib.TRD_E_INFEASIBLE


class StalePlan(TridentError):
    status = lib.TRD_E_STALE


class InternalError(TridentError):
    status = lib.TRD_E_INTERNAL


_BY_STATUS: dict[int, type[TridentError]] = {
    cls.status: cls
    for cls in (InvalidArgument, NoMemory, StateError, NotFound, OutOfRange, BufferTooSmall, ParseError,
                TridentIOError, InvalidModel, LimitExceeded, SolverError, Infeasible, StalePlan, InternalError)
}


def raise_status(status: int, message: str) -> NoReturn:
    cls = _BY_STATUS.get(status, TridentError)
    name = string(lib.trd_status_name(status))
    text = message or string(lib.trd_strerror(status))
    raise cls(f"{text} ({name})", status)


def check(status: int, message: str = "") -> None:
    """Raises the exception of a status that is not TRD_OK, for calls that take no context."""
    if status != lib.TRD_OK:
        raise_status(status, message)
