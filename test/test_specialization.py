"""What a compiled kernel is specialized on, and when it compiles again: shapes and
dtypes (cached per specialization), `hl.constexpr` values, the numbers functions and
module globals hold; and every dtype on the CPU, bfloat16 included."""

import pytest
import torch

import helion_mlir as helion
import helion_mlir.language as hl

SCALE = 2.0


@helion.kernel()
def scaled(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for t in hl.tile(x.size()):
        out[t] = x[t] * SCALE
    return out


def test_module_global_read_in_device_code_is_guarded():
    global SCALE
    x = torch.ones(4)
    try:
        assert scaled(x)[0].item() == 2.0
        SCALE = 3.0
        assert scaled(x)[0].item() == 3.0
    finally:
        SCALE = 2.0


@helion.kernel()
def apply(x: torch.Tensor, fn) -> torch.Tensor:
    out = torch.empty_like(x)
    for t in hl.tile(x.size()):
        out[t] = fn(x[t])
    return out


def times(s: float):
    return lambda v: v * s


def test_function_arguments_key_on_captured_numbers_and_defaults():
    x = torch.ones(4)
    assert apply(x, times(2.0))[0].item() == 2.0
    assert apply(x, times(3.0))[0].item() == 3.0
    assert apply(x, lambda v, s=4: v * s)[0].item() == 4.0
    assert apply.bind((x, times(5.0))) is apply.bind((x, times(5.0)))


@helion.kernel()
def plus(x: torch.Tensor, s: hl.constexpr) -> torch.Tensor:
    out = torch.empty_like(x)
    for t in hl.tile(x.size()):
        out[t] = x[t] + s
    return out


def test_constexpr_arguments_specialize_by_value():
    x = torch.zeros(4)
    assert plus(x, 1.5)[0].item() == 1.5
    assert plus(x, hl.constexpr(2.5))[0].item() == 2.5
    assert "2.5" in plus.bind((x, 2.5)).to_triton_code()


@helion.kernel()
def cast_to(x: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    out = torch.empty(x.shape, dtype=like.dtype, device=x.device)
    for t in hl.tile(x.size(0)):
        out[t] = (x[t] * 2).to(like.dtype)
    return out


DTYPES = [
    torch.float32,
    torch.float16,
    torch.bfloat16,
    torch.int8,
    torch.int32,
    torch.int64,
    torch.bool,
]


@pytest.mark.parametrize("src", DTYPES, ids=str)
@pytest.mark.parametrize("dst", DTYPES, ids=str)
def test_every_dtype_pair_casts_like_torch(src, dst):
    x = (torch.randn(37) * 50).to(src)
    like = torch.empty(1, dtype=dst)
    want = (x * 2).to(dst)
    torch.testing.assert_close(cast_to(x, like), want, rtol=0, atol=0)


def test_new_shapes_and_dtypes_compile_once_each():
    cast_to.reset()
    like = torch.empty(1)
    for n in (8, 9, 8, 9):
        cast_to(torch.randn(n), like)
    cast_to(torch.randn(8, dtype=torch.float16), like)
    assert len(cast_to._bound) == 3


@helion.kernel()
def bf16_matmul(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    m, k = x.size()
    _, n = y.size()
    out = torch.empty([m, n], dtype=x.dtype, device=x.device)
    for tm, tn in hl.tile([m, n]):
        acc = hl.zeros([tm, tn], dtype=torch.float32)
        for tk in hl.tile(k):
            acc = torch.addmm(acc, x[tm, tk], y[tk, tn])
        out[tm, tn] = acc.to(x.dtype)
    return out


def test_bfloat16_matmul_on_the_cpu():
    # Triton 3.6's interpreter multiplies bfloat16 bit patterns; the loader fixes it
    x, y = torch.randn(32, 48, dtype=torch.bfloat16), torch.randn(48, 16, dtype=torch.bfloat16)
    want = (x.float() @ y.float()).bfloat16()
    torch.testing.assert_close(bf16_matmul(x, y), want, rtol=1e-2, atol=1e-2)


@helion.kernel()
def shifted(x: torch.Tensor, k: int, flag: bool) -> torch.Tensor:
    out = torch.empty_like(x)
    for t in hl.tile(x.size()):
        out[t] = x[t] + k if flag else x[t] - k
    return out


def test_tensor_subclasses_share_a_specialization_and_ints_and_bools_keep_theirs():
    """The rule for an argument's type is looked up once per type: a Parameter is a
    tensor like any other; an int is specialized by value, a bool apart from an int."""
    x = torch.ones(8)
    shifted.reset()
    assert shifted(x, 1, True)[0].item() == 2.0
    assert shifted(torch.nn.Parameter(x, requires_grad=False), 1, True)[0].item() == 2.0
    assert len(shifted._bound) == 1
    assert shifted(x, 2, True)[0].item() == 3.0
    assert shifted(x, 1, False)[0].item() == 0.0
    assert shifted(x, True, True)[0].item() == 2.0  # True as k: a bool, not the int 1
    assert len(shifted._bound) == 4


def test_the_rule_cache_keeps_no_type_alive():
    """Argument types made on the fly (a class per call) are not kept by the cache of
    key rules: it drops a type with its last instance."""
    import gc
    import weakref

    from helion_mlir.runtime import kernel

    made = type("OnTheFly", (torch.Tensor,), {})
    ref, key = weakref.ref(made), id(made)
    x = torch.ones(8).as_subclass(made)
    assert shifted(x, 1, True)[0].item() == 2.0
    assert key in kernel._KEY_OF_TYPE
    del made, x
    gc.collect()
    assert ref() is None and key not in kernel._KEY_OF_TYPE
