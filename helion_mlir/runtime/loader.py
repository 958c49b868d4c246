"""Loading generated kernel modules: a real file per module (Triton's `jit` reads source
from disk), imported once; CPU tensors run through Triton's interpreter."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from helion_mlir import exc

_MODULES: dict[str, ModuleType] = {}


def cache_root() -> Path:
    """`$HELION_MLIR_CACHE_DIR`, else `~/.cache/helion_mlir` (or under `$XDG_CACHE_HOME`)."""
    return Path(
        os.environ.get("HELION_MLIR_CACHE_DIR")
        or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "helion_mlir"
        )
    )


def cache_dir() -> Path:
    """Where generated kernel modules are written."""
    path = cache_root() / "kernels"
    path.mkdir(parents=True, exist_ok=True)
    return path


def use_triton(interpret: bool) -> None:
    """Make triton run generated kernels on the GPU, or on CPU tensors in its interpreter.

    Triton picks the mode of its own `@jit` helpers (`tl.zeros`, `tl.sum`, ...) when it
    is first imported. For CPU tensors the mode is set before that import when possible;
    if something (torch's Inductor, say) imported triton first on a machine without a
    GPU, those helpers are switched to the interpreter in place.
    """
    if not interpret:
        import triton  # noqa: F401

        return
    os.environ["TRITON_INTERPRET"] = "1"
    import triton

    if not triton.knobs.runtime.interpret:
        raise exc.InvalidArgument(
            "CPU tensors run through Triton's interpreter, which this process cannot switch "
            "to (TRITON_INTERPRET is overridden); unset it or use CUDA tensors"
        )
    _interpret_language_helpers()
    _scalar_index_fix()
    _contiguous_atomic_operands()
    _bfloat16_fixes()


def _scalar_index_fix() -> None:
    """Triton 3.6's interpreter holds scalars as one-element arrays and turns them into
    Python ints with `int(array)`, which NumPy 2.4 rejects for arrays of one dimension:
    loops with bounds known only at run time then fail. Use `.item()` instead."""
    from triton.runtime import interpreter

    original = interpreter._patch_lang_tensor
    if getattr(original, "helion_mlir_fix", False):
        return

    def patch(tensor, scope) -> None:
        original(tensor, scope)
        scope.set_attr(tensor, "__index__", lambda self: int(self.handle.data.item()))

    patch.helion_mlir_fix = True  # type: ignore[attr-defined]
    interpreter._patch_lang_tensor = patch


def _contiguous_atomic_operands() -> None:
    """Triton 3.6's interpreter hands atomics' NumPy operands to C++ as raw buffers, but
    its broadcasts are strided views: a broadcast value would be read as garbage. Copy
    such operands to contiguous arrays first."""
    import numpy as np
    from triton.runtime.interpreter import InterpreterBuilder, TensorHandle

    if getattr(InterpreterBuilder.create_atomic_rmw, "helion_mlir_fix", False):
        return

    def dense(h: TensorHandle) -> TensorHandle:
        return TensorHandle(np.ascontiguousarray(h.data), h.dtype)

    rmw, cas = InterpreterBuilder.create_atomic_rmw, InterpreterBuilder.create_atomic_cas

    def create_atomic_rmw(self, op, ptr, val, mask, sem, scope):  # type: ignore[no-untyped-def]
        return rmw(self, op, dense(ptr), dense(val), dense(mask), sem, scope)

    def create_atomic_cas(self, ptr, cmp, val, sem, scope):  # type: ignore[no-untyped-def]
        return cas(self, dense(ptr), dense(cmp), dense(val), sem, scope)

    create_atomic_rmw.helion_mlir_fix = True  # type: ignore[attr-defined]
    InterpreterBuilder.create_atomic_rmw = create_atomic_rmw  # type: ignore[method-assign]
    InterpreterBuilder.create_atomic_cas = create_atomic_cas  # type: ignore[method-assign]


# The interpreter's float arithmetic, which Triton 3.9 hands bfloat16 operands directly.
_FLOAT_OPS = re.compile(
    r"create_(f(?!p_)\w*|minimumf|maximumf|minnumf|maxnumf|exp2?|log2?|cos|sin|sqrt|rsqrt|erf"
    r"|floor|ceil|precise_\w+|clampf|fabs|fma)$"
)


def _bfloat16_fixes() -> None:
    """Triton's interpreter holds bfloat16 as raw uint16 bits, and several of its ops
    forget that: `tl.dot` multiplies the bits, casts between bfloat16 and anything but
    float32 reinterpret numbers as bits, float32 -> bfloat16 truncates where the GPU
    rounds to nearest even, and (from 3.9) float arithmetic and comparisons on bfloat16
    operands compute on the bits; 3.6 has no bfloat16 constants (`tl.where(m, x, 0.0)` on
    bfloat16 `x`). Route them all through float32, rounding properly (exact for one
    operation: a float32 result of bfloat16 operands rounds once)."""
    import numpy as np
    import triton.language as tl
    from triton.runtime.interpreter import InterpreterBuilder, TensorHandle, _get_np_dtype

    if getattr(InterpreterBuilder.cast_impl, "helion_mlir_fix", False):
        return

    def to_f32(data: Any) -> Any:
        return (data.astype(np.uint32) << 16).view(np.float32)

    def to_bf16(data: Any) -> Any:
        bits = np.ascontiguousarray(data, dtype=np.float32).view(np.uint32)
        rounded = (bits + (((bits >> 16) & 1) + 0x7FFF)) >> 16
        nan = np.isnan(data)
        return np.where(nan, (bits >> 16) | 0x40, rounded).astype(np.uint16)

    cast, dot = InterpreterBuilder.cast_impl, InterpreterBuilder.create_dot

    def cast_impl(self, src, dst_type):  # type: ignore[no-untyped-def]
        src_t, dst_t = src.dtype.scalar, dst_type.scalar
        if src_t == tl.bfloat16 and dst_t != tl.bfloat16:
            wide = TensorHandle(to_f32(src.data), tl.float32)
            return wide if dst_t == tl.float32 else cast(self, wide, dst_type)
        if dst_t == tl.bfloat16 and src_t != tl.bfloat16:
            data = src.data.astype(np.float32) if src_t != tl.float32 else src.data
            return TensorHandle(to_bf16(data), tl.bfloat16)
        return cast(self, src, dst_type)

    def create_dot(self, a, b, d, input_precision, max_num_imprecise_acc):  # type: ignore[no-untyped-def]
        if tl.bfloat16 in (a.dtype.scalar, b.dtype.scalar):
            a, b = (
                TensorHandle(to_f32(h.data), tl.float32) if h.dtype.scalar == tl.bfloat16 else h
                for h in (a, b)
            )
        return dot(self, a, b, d, input_precision, max_num_imprecise_acc)

    def widened(method: Any) -> Any:
        def run(self, *args):  # type: ignore[no-untyped-def]
            narrow = [isinstance(a, TensorHandle) and a.dtype.scalar == tl.bfloat16 for a in args]
            if not any(narrow):
                return method(self, *args)
            wide = [
                TensorHandle(to_f32(a.data), tl.float32) if n else a for a, n in zip(args, narrow)
            ]
            out = method(self, *wide)
            if out.dtype.scalar == tl.float32:
                return TensorHandle(to_bf16(out.data), tl.bfloat16)
            return out

        return run

    for name in dir(InterpreterBuilder):
        if _FLOAT_OPS.match(name):
            setattr(InterpreterBuilder, name, widened(getattr(InterpreterBuilder, name)))

    cast_impl.helion_mlir_fix = True  # type: ignore[attr-defined]
    InterpreterBuilder.cast_impl = cast_impl  # type: ignore[method-assign]
    for name in (
        "create_si_to_fp",
        "create_ui_to_fp",
        "create_fp_to_si",
        "create_fp_to_ui",
        "create_fp_ext",
        "create_fp_trunc",
    ):
        setattr(InterpreterBuilder, name, lambda self, src, dst_type: self.cast_impl(src, dst_type))
    InterpreterBuilder.create_int_cast = lambda self, src, dst_type, is_signed: self.cast_impl(
        src, dst_type
    )  # type: ignore[method-assign]
    InterpreterBuilder.create_dot = create_dot  # type: ignore[method-assign]
    if not hasattr(InterpreterBuilder, "get_bf16"):  # 3.6 has no bfloat16 constants
        InterpreterBuilder.get_bf16 = lambda self, value: TensorHandle(  # type: ignore[attr-defined]
            to_bf16(np.array([value], dtype=np.float32)), tl.bfloat16
        )
    assert _get_np_dtype(tl.bfloat16) == np.dtype(np.uint16)  # the layout these fixes assume


def _interpret_language_helpers() -> None:
    import torch
    from triton.runtime.interpreter import InterpretedFunction
    from triton.runtime.jit import JITFunction

    for name, module in list(sys.modules.items()):
        if not name.startswith("triton.language") or module is None:
            continue
        for attr, value in list(vars(module).items()):
            if isinstance(value, JITFunction):
                if torch.cuda.is_available():
                    raise exc.InvalidArgument(
                        "CPU tensors run through Triton's interpreter, but triton was already "
                        "imported for the GPU; set TRITON_INTERPRET=1 before importing torch "
                        "or triton to run kernels on CPU tensors"
                    )
                setattr(module, attr, InterpretedFunction(value.fn))


def write(source: str) -> Path:
    """The file holding `source`, named by its hash (written atomically if new)."""
    path = cache_dir() / f"k_{_digest(source)}.py"
    if not path.exists() or path.read_text() != source:
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            f.write(source)
        os.replace(tmp, path)
    return path


def _digest(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()[:24]


def load(source: str) -> ModuleType:
    """Import `source` as a module from its file (see `write`), once per process."""
    digest = _digest(source)
    if digest in _MODULES:
        return _MODULES[digest]
    path = write(source)
    name = f"helion_mlir_kernel_{digest}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    _MODULES[digest] = module
    return module
