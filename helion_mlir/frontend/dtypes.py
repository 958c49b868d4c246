"""torch dtypes and their xDSL element types."""

from __future__ import annotations

import torch
from xdsl.dialects.builtin import (
    AnyFloat,
    BFloat16Type,
    Float16Type,
    Float32Type,
    Float64Type,
    IntegerType,
    Signedness,
    bf16,
    f16,
    f32,
    f64,
    i1,
    i8,
    i16,
    i32,
    i64,
)
from xdsl.ir import Attribute

from helion_mlir import exc

_TO_XDSL: dict[torch.dtype, Attribute] = {
    torch.float32: f32,
    torch.float16: f16,
    torch.bfloat16: bf16,
    torch.float64: f64,
    torch.bool: i1,
    torch.int8: i8,
    torch.int16: i16,
    torch.int32: i32,
    torch.int64: i64,
    torch.uint8: IntegerType(8, Signedness.UNSIGNED),
}


def to_xdsl(dtype: torch.dtype) -> Attribute:
    try:
        return _TO_XDSL[dtype]
    except KeyError:
        raise exc.TypeMismatch(f"dtype {dtype} is not supported in device code") from None


def is_float(dtype: torch.dtype) -> bool:
    return dtype.is_floating_point


def from_xdsl(t: Attribute) -> torch.dtype:
    match t:
        case Float32Type():
            return torch.float32
        case Float16Type():
            return torch.float16
        case BFloat16Type():
            return torch.bfloat16
        case Float64Type():
            return torch.float64
        case IntegerType():
            for dt, x in _TO_XDSL.items():
                if x == t:
                    return dt
    raise exc.InternalError(f"no torch dtype for {t}")


def is_xdsl_float(t: Attribute) -> bool:
    return isinstance(t, AnyFloat)
