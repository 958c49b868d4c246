"""Errors helion_mlir raises: each says what went wrong, where in the user's kernel, and
what to do about it."""

from __future__ import annotations

import linecache
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceLocation:
    """A place in the user's kernel source."""

    filename: str
    line: int
    column: int = 0

    def render(self) -> str:
        text = linecache.getline(self.filename, self.line).rstrip("\n")
        where = f'  File "{self.filename}", line {self.line}'
        if not text:
            return where
        caret = " " * (self.column + 4 - (len(text) - len(text.lstrip()))) + "^"
        return f"{where}\n    {text.strip()}\n{caret}"


class HelionError(RuntimeError):
    """Base class of every error helion_mlir raises on purpose."""

    def __init__(self, message: str, location: SourceLocation | None = None):
        self.message = message
        self.location = location
        super().__init__(message)

    def with_location(self, location: SourceLocation) -> HelionError:
        if self.location is None:
            self.location = location
        return self

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.message}\n{self.location.render()}"


class InvalidConfig(HelionError):
    """A config does not fit the kernel's search space."""


class CompileError(HelionError):
    """The kernel cannot be compiled as written."""


class UnsupportedSyntax(CompileError):
    """A Python construct the device code does not support."""


class UndefinedName(CompileError):
    """A name is read before it is assigned (or only assigned on some paths)."""


class InvalidIndex(CompileError):
    """A tensor is indexed in a way the kernel language does not allow."""


class ShapeMismatch(CompileError):
    """Tile shapes do not fit together."""


class TypeMismatch(CompileError):
    """A value has the wrong kind or dtype for where it is used."""


class CannotModifyHostVariable(CompileError):
    """Device code assigns to a variable of the host code."""


class CannotReadDeviceVariable(CompileError):
    """Host code reads a variable that only device code assigns."""


class TorchOpError(CompileError):
    """A torch call in device code cannot be compiled."""


class NotInsideKernel(HelionError):
    """A `helion_mlir.language` function was called outside a kernel."""


class NoDeviceLoop(CompileError):
    """A kernel has no `hl.tile`/`hl.grid` loop, so nothing runs on the device."""


class InvalidArgument(HelionError):
    """A kernel was called with arguments it cannot take."""


class AutotuneError(HelionError):
    """Tuning cannot go on (e.g. the default config itself fails)."""


class InternalError(HelionError):
    """A bug in helion_mlir: please report it with the kernel that triggered it."""
