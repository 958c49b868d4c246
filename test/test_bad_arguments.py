"""Arguments a kernel was not written for get a `helion_mlir.exc` error naming the
problem; unusual but valid ones (strided, expanded, offset, empty) compute the right
result."""

from __future__ import annotations

import pytest
import torch
from conftest import load_example

from helion_mlir import exc

add = load_example("add").add
matmul = load_example("matmul").matmul


def randn(*shape: int, **kw) -> torch.Tensor:
    return torch.randn(*shape, **kw)


ERRORS = {
    # a number where a tensor goes: the host code's `.size()` fails on it
    "int_for_tensor": (lambda: add(3, randn(4)), exc.CompileError, "'int' object"),
    "none_for_tensor": (lambda: add(None, randn(4)), exc.CompileError, "'NoneType' object"),
    "list_for_tensor": (lambda: add([1.0, 2.0], randn(2)), exc.CompileError, "'list' object"),
    # a rank the kernel does not unpack
    "wrong_rank": (lambda: add(randn(4), randn(4)), exc.CompileError, "not enough values"),
    "matmul_rank": (lambda: matmul(randn(4), randn(4, 4)), exc.CompileError, "not enough values"),
    # shapes that disagree: the kernel's own assert, or a tile running past a tensor
    "matmul_inner": (lambda: matmul(randn(4, 3), randn(4, 4)), exc.CompileError, "size mismatch"),
    "add_short_row": (lambda: add(randn(4, 5), randn(4)), exc.ShapeMismatch, "has size 4"),
    # dtypes device code cannot hold
    "complex": (
        lambda: add(randn(4, 5, dtype=torch.complex64), randn(5, dtype=torch.complex64)),
        exc.TypeMismatch,
        "complex64",
    ),
    # devices: no data (meta), or two at once
    "meta_device": (
        lambda: add(randn(4, 5, device="meta"), randn(5, device="meta")),
        exc.InvalidArgument,
        "use cuda or cpu",
    ),
    "mixed_devices": (
        lambda: add(randn(4, 5), randn(5, device="meta")),
        exc.InvalidArgument,
        "one device",
    ),
    "too_many_args": (lambda: add(randn(4, 5), randn(5), randn(5)), exc.InvalidArgument, "takes"),
    "unknown_keyword": (lambda: add(randn(4, 5), z=randn(5)), exc.InvalidArgument, "takes"),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_bad_arguments_are_helion_errors(case):
    call, cls, words = ERRORS[case]
    with pytest.raises(cls) as info:
        call()
    assert words in str(info.value)


def test_cuda_tensors_without_cuda_are_an_invalid_argument():
    """Fake CUDA tensors (PyTorch's tracing tensors) stand for CUDA tensors here."""
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    from torch._subclasses.fake_tensor import FakeTensorMode

    with FakeTensorMode():
        x, y = torch.empty(4, 5, device="cuda"), torch.empty(5, device="cuda")
    with pytest.raises(exc.InvalidArgument, match="no CUDA device"):
        add(x, y)


VALID = {
    "transposed": lambda: (randn(8, 6).T, randn(8)),
    "expanded_rows": lambda: (randn(1, 5).expand(4, 5), randn(5)),
    "expanded_vector": lambda: (randn(4, 5), randn(1).expand(5)),
    "offset_and_stride": lambda: (randn(9, 12)[1:, ::2], randn(6)),
    "longer_row_vector_prefix": lambda: (randn(4, 5), randn(7)),
    "no_rows": lambda: (randn(0, 4), randn(4)),
    "no_columns": lambda: (randn(4, 0), randn(0)),
    "int64": lambda: (torch.arange(20).view(4, 5), torch.arange(5)),
    "float64": lambda: (randn(4, 5, dtype=torch.float64), randn(5, dtype=torch.float64)),
    "requires_grad": lambda: (randn(4, 5, requires_grad=True), randn(5)),
}


@pytest.mark.parametrize("case", list(VALID))
def test_unusual_but_valid_arguments_compute_the_right_result(case):
    x, y = VALID[case]()
    n = x.size(1)
    with torch.no_grad():
        torch.testing.assert_close(add(x, y), x + y[:n])


@pytest.mark.parametrize(("m", "k", "n"), [(0, 4, 3), (3, 0, 3), (3, 4, 0)])
def test_matmul_with_an_empty_dim(m, k, n):
    x, y = randn(m, k), randn(k, n)
    torch.testing.assert_close(matmul(x, y), x @ y)
