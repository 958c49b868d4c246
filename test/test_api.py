"""The user-facing API: `@kernel`, `Kernel.bind`, `BoundKernel` (IR per stage, generated
code, config spec, configs, caching of specializations and compiled configs)."""

from __future__ import annotations

import importlib.util
import re

import pytest
import torch

import helion_mlir as helion
import helion_mlir.language as hl
from helion_mlir.runtime.kernel import BoundKernel, Kernel

CONCRETE_TENSOR = re.compile(r"tensor<\d+(x\d+)*x[a-z]")


@helion.kernel()
def scale_add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for tm, tn in hl.tile(out.size()):
        out[tm, tn] = x[tm, tn] * 2.0 + y[tm, tn]
    return out


@helion.kernel()
def docstring_add(x, y):
    # the example of helion_mlir/__init__.py's docstring, verbatim
    out = torch.empty_like(x)
    for tile in hl.tile(out.size()):
        out[tile] = x[tile] + y[tile]
    return out


@helion.kernel
def relu_bare(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = torch.relu(x[t])
    return out


@helion.kernel(config=helion.Config(block_sizes=[4]))
def double_with_config(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = x[t] + x[t]
    return out


@helion.kernel(print_output_code=True)
def negate_printing(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = -x[t]
    return out


def fresh(kernel: Kernel) -> Kernel:
    """A new Kernel around the same function: nothing bound or compiled yet."""
    return helion.kernel(kernel.fn)


@pytest.fixture
def mm_args():
    return torch.randn(100, 70), torch.randn(70, 50)


# -- kernel and bind ------------------------------------------------------------------


def test_kernel_decorators_make_kernels():
    assert isinstance(scale_add, Kernel)
    assert isinstance(relu_bare, Kernel)
    assert helion.jit is helion.kernel
    assert scale_add.__name__ == "scale_add"
    x = torch.randn(13)
    torch.testing.assert_close(relu_bare(x), torch.relu(x), rtol=0, atol=0)


def test_bind_returns_bound_kernel(matmul_example, mm_args):
    bound = matmul_example.matmul.bind(mm_args)
    assert isinstance(bound, BoundKernel)
    assert isinstance(bound, helion.BoundKernel)
    assert bound.kernel is matmul_example.matmul
    assert bound.device == "cpu"


def test_same_shape_same_bound_new_shape_new_bound(matmul_example):
    k = fresh(matmul_example.matmul)
    a = k.bind((torch.randn(33, 17), torch.randn(17, 45)))
    b = k.bind((torch.randn(33, 17), torch.randn(17, 45)))  # other tensors, same specialization
    c = k.bind((torch.randn(34, 17), torch.randn(17, 45)))
    d = k.bind((torch.randn(33, 17, dtype=torch.float16), torch.randn(17, 45, dtype=torch.float16)))
    e = k.bind((torch.randn(17, 33).t(), torch.randn(17, 45)))  # same shape, other strides
    assert a is b
    assert len({id(a), id(c), id(d), id(e)}) == 4
    assert "memref<34x17xf32>" in c.ir("mem") and "memref<33x17xf32>" in a.ir("mem")
    assert "f16" in d.ir("frontend")
    k.reset()
    assert k.bind((torch.randn(33, 17), torch.randn(17, 45))) is not a


def test_kernel_call_twice_reuses_compiled_config(monkeypatch, matmul_example):
    from helion_mlir import frontend
    from helion_mlir.runtime import loader

    counts = {"build": 0, "load": 0}
    real_build, real_load = frontend.build, loader.load

    def counting_build(*a, **kw):
        counts["build"] += 1
        return real_build(*a, **kw)

    def counting_load(*a, **kw):
        counts["load"] += 1
        return real_load(*a, **kw)

    monkeypatch.setattr(frontend, "build", counting_build)
    monkeypatch.setattr(loader, "load", counting_load)
    k = fresh(matmul_example.matmul)
    x, y = torch.randn(33, 17), torch.randn(17, 45)
    out1 = k(x, y)
    out2 = k(x, y)
    x2, y2 = torch.randn(33, 17), torch.randn(17, 45)
    out3 = k(x2, y2)
    assert counts == {"build": 1, "load": 1}
    torch.testing.assert_close(out1, x @ y, rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(out2, x @ y, rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(out3, x2 @ y2, rtol=1e-4, atol=1e-4)
    k(torch.randn(20, 17), torch.randn(17, 45))  # a new shape binds and compiles again
    assert counts == {"build": 2, "load": 2}


def test_two_configs_share_one_config_free_module(monkeypatch, matmul_example):
    from helion_mlir import frontend

    calls = []
    real_build = frontend.build

    def counting_build(*a, **kw):
        calls.append(a)
        return real_build(*a, **kw)

    monkeypatch.setattr(frontend, "build", counting_build)
    k = fresh(matmul_example.matmul)
    x, y = torch.randn(100, 70), torch.randn(70, 50)
    bound = k.bind((x, y))
    module = bound.module
    mem_before = str(module)
    f1 = bound.compile_config(helion.Config(block_sizes=[16, 32, 16]))
    f2 = bound.compile_config(helion.Config(block_sizes=[64, 16, 32], num_warps=8))
    assert len(calls) == 1
    assert bound.module is module
    assert str(bound.module) == mem_before  # binding a config does not touch the shared module
    assert f1 is not f2
    torch.testing.assert_close(f1(x, y), x @ y, rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(f2(x, y), x @ y, rtol=1e-4, atol=1e-4)
    # the same config again (even spelled differently) is the same compiled function
    assert bound.compile_config({"block_sizes": (16, 32, 16)}) is f1
    assert len(calls) == 1


def test_decorator_config_is_used():
    x = torch.randn(37)
    bound = double_with_config.bind((x,))
    assert bound.config["block_sizes"] == [4]
    assert "tl.arange(0, 4)" in bound.to_triton_code(bound.config)
    torch.testing.assert_close(double_with_config(x), x + x, rtol=0, atol=0)


def test_kernel_config_and_configs_are_exclusive():
    with pytest.raises(helion.exc.InvalidConfig, match="either config= or configs="):
        helion.kernel(config={"block_sizes": [4]}, configs=[{"block_sizes": [8]}])(scale_add.fn)


def test_print_output_code_setting(capsys):
    x = torch.randn(9)
    torch.testing.assert_close(negate_printing(x), -x, rtol=0, atol=0)
    err = capsys.readouterr().err
    assert "@triton.jit" in err and "tl.store" in err


def bf16_chain(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = (x[t] * 3.0 + 1.0) * 0.3
    return out


def bf16_rounded_by_hand(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        y = x[t].to(torch.float32) * 3.0
        out[t] = (y.to(torch.bfloat16).to(torch.float32) + 1.0).to(torch.bfloat16)
    return out


def bf16_fill(x: torch.Tensor, s: float) -> torch.Tensor:
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = x[t] + hl.full([t], s, dtype=torch.bfloat16).to(torch.float32)
    return out


def bf16_dot(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    out = torch.empty([a.size(0), b.size(1)], dtype=torch.float32)
    for tm, tn in hl.tile(out.size()):
        out[tm, tn] = hl.dot(a[tm, :], b[:, tn], out_dtype=torch.bfloat16).to(torch.float32)
    return out


def test_dtype_arguments_round_like_a_to():
    """`hl.full(..., dtype=)` of a runtime value and `hl.dot(..., out_dtype=)` are
    conversions the kernel asks for: their rounding stays."""
    x, s = torch.zeros(16), 0.3  # bf16(0.3) = 0.30078125
    got = helion.kernel(bf16_fill, config=helion.Config(block_sizes=[16]))(x, s)
    assert torch.equal(got, torch.full((16,), s).to(torch.bfloat16).float())
    a, b = torch.randn(16, 16), torch.randn(16, 16)
    want = (a @ b).to(torch.bfloat16).float()
    assert not torch.equal(want, a @ b)
    got = helion.kernel(bf16_dot, config=helion.Config(block_sizes=[16, 16]))(a, b)
    torch.testing.assert_close(got, want, rtol=0, atol=0)


def test_precision_casts_round_as_torch_compile_unless_emulated():
    """A chain of bf16 ops keeps f32 intermediates and rounds only what it stores (as
    torch.compile does); `emulate_precision_casts` rounds after each op, as eager does.
    A conversion the kernel writes (`.to()`) rounds either way."""
    x = torch.randn(256).to(torch.bfloat16)
    eager = (x * 3.0 + 1.0) * 0.3
    fused = ((x.float() * 3.0 + 1.0) * 0.3).to(torch.bfloat16)
    assert not torch.equal(eager, fused)  # the inputs tell the two apart
    config = helion.Config(block_sizes=[64])
    assert torch.equal(helion.kernel(bf16_chain, config=config)(x), fused)
    exact = helion.kernel(bf16_chain, config=config, emulate_precision_casts=True)
    assert torch.equal(exact(x), eager)
    casts = [k.bind((x,)).ir("tile").count("tile.cast") for k in (helion.kernel(bf16_chain), exact)]
    assert casts[0] < casts[1]
    by_hand = ((x.float() * 3.0).to(torch.bfloat16).float() + 1.0).to(torch.bfloat16)
    assert not torch.equal(by_hand, ((x.float() * 3.0) + 1.0).to(torch.bfloat16))
    assert torch.equal(helion.kernel(bf16_rounded_by_hand, config=config)(x), by_hand)


def test_set_config_validates(matmul_example):
    bound = fresh(matmul_example.matmul).bind((torch.randn(16, 16), torch.randn(16, 16)))
    with pytest.raises(helion.exc.InvalidConfig, match="block_sizes"):
        bound.set_config({"block_sizes": [16, 16]})


# -- IR and generated code --------------------------------------------------------------


def test_to_triton_code(matmul_example, mm_args):
    bound = matmul_example.matmul.bind(mm_args)
    code = bound.to_triton_code(helion.Config(block_sizes=[16, 32, 16]))
    assert "@triton.jit" in code
    assert "def launch_matmul(" in code
    assert re.search(r"def matmul\(x.*, y.*\)", code)
    assert "tl.dot(" in code
    assert "tl.arange(0, 16)" in code and "tl.arange(0, 32)" in code
    # 100x50 output in 16x32 tiles: 7 * 2 programs
    assert "[(14,)]" in code
    assert "num_warps=4" in code
    code8 = bound.to_triton_code({"block_sizes": [16, 32, 16], "num_warps": 8})
    assert "num_warps=8" in code8
    # the default config is used when none is given
    default = bound.config_spec.default_config()
    assert bound.to_triton_code() == bound.to_triton_code(default)


def test_to_triton_code_is_a_runnable_module(tmp_path, add_example):
    x, y = torch.randn(10, 7), torch.randn(7)
    bound = add_example.add.bind((x, y))
    path = tmp_path / "generated_add.py"
    path.write_text(bound.to_triton_code())
    spec = importlib.util.spec_from_file_location("generated_add", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    torch.testing.assert_close(module.add(x, y), x + y, rtol=0, atol=0)


def test_ir_stages(matmul_example, mm_args):
    bound = matmul_example.matmul.bind(mm_args)
    frontend_ir = bound.ir("frontend")
    assert "tile.kernel @matmul" in frontend_ir
    assert "tile.grid" in frontend_ir and "tile.for" in frontend_ir and "tile.dot" in frontend_ir
    assert "cfg.param" not in frontend_ir
    loop_ir = bound.ir("loop")
    assert "loop.launch" in loop_ir and "loop.for" in loop_ir
    assert "tile.grid" not in loop_ir
    mem_ir = bound.ir("mem")
    assert "mem.load" in mem_ir and "mem.store" in mem_ir and "cfg.space" in mem_ir
    assert "tile.load" not in mem_ir
    tile_ir = bound.ir("tile")
    assert "tile.load" in tile_ir and "loop.launch" not in tile_ir
    triton_ir = bound.ir("triton", helion.Config(block_sizes=[16, 32, 16]))
    assert "triton.kernel" in triton_ir and "triton.dot" in triton_ir
    assert "triton.launcher" in triton_ir
    assert "loop.launch" not in triton_ir and "cfg.param" not in triton_ir
    # default stage is mem
    assert bound.ir() == mem_ir


def test_ir_unknown_stage(matmul_example, mm_args):
    bound = matmul_example.matmul.bind(mm_args)
    with pytest.raises(helion.exc.InvalidArgument, match="'bogus'") as info:
        bound.ir("bogus")
    for stage in ("frontend", "tile", "loop", "mem", "triton"):
        assert stage in str(info.value)


def test_no_concrete_block_size_before_bind(matmul_example, mm_args):
    bound = matmul_example.matmul.bind(mm_args)
    for stage in ("frontend", "tile", "loop", "mem"):
        text = bound.ir(stage)
        assert not CONCRETE_TENSOR.search(text), (stage, CONCRETE_TENSOR.search(text))
        assert "tensor<?x?xf32" in text
    mem_ir = bound.ir("mem")
    for i in range(3):
        assert re.search(rf"= cfg\.param block_sizes\[{i}\] in #cfg\.pow2<", mem_ir)
        assert f"cfg.slot block_sizes[{i}]" in mem_ir
    assert "cfg.param num_warps" in mem_ir and "cfg.param num_stages" in mem_ir

    triton_ir = bound.ir("triton", helion.Config(block_sizes=[16, 32, 16]))
    assert "tensor<16x32xf32>" in triton_ir  # the accumulator: block_sizes[0] x block_sizes[1]
    assert "tensor<16x16xf32>" in triton_ir  # x tile: block_sizes[0] x block_sizes[2]
    assert "tensor<32x32xf32>" not in triton_ir
    assert "cfg." not in triton_ir
    other = bound.ir("triton", helion.Config(block_sizes=[32, 16, 64]))
    assert "tensor<32x16xf32>" in other and "tensor<32x64xf32>" in other
    assert "tensor<16x32xf32>" not in other


def test_softmax_ir_has_reduction_slot(softmax_example):
    bound = softmax_example.softmax.bind((torch.randn(16, 100),))
    mem_ir = bound.ir("mem")
    assert "cfg.param reduction_loops[0] in #cfg.chunk<8, 128>" in mem_ir
    assert "loop.reduce_for" in mem_ir
    persistent = bound.ir("triton", {"reduction_loops": [None], "block_sizes": [4]})
    rolled = bound.ir("triton", {"reduction_loops": [32], "block_sizes": [4]})
    assert "tensor<4x128xf32>" in persistent and "triton.for" not in persistent
    assert "tensor<4x32xf32>" in rolled and "triton.for" in rolled


# -- config spec ------------------------------------------------------------------------


def test_default_config(matmul_example, softmax_example, add_example, mm_args):
    mm = matmul_example.matmul.bind(mm_args).config_spec.default_config()
    assert isinstance(mm, helion.Config)
    common = {
        "block_sizes",
        "range_unroll_factors",
        "range_num_stages",
        "range_multi_buffers",
        "range_flattens",
        "num_warps",
        "num_stages",
        "indexing",
        "pid_type",
        "num_sm_multiplier",
    }
    assert set(mm) == common | {"loop_orders", "l2_groupings", "load_eviction_policies"}
    assert len(mm["block_sizes"]) == 3
    assert all(b & (b - 1) == 0 for b in mm["block_sizes"])

    sm = softmax_example.softmax.bind((torch.randn(16, 100),)).config_spec.default_config()
    assert set(sm) == common | {"reduction_loops", "load_eviction_policies"}
    assert len(sm["block_sizes"]) == 1 and len(sm["reduction_loops"]) == 1

    ad = add_example.add.bind((torch.randn(10, 7), torch.randn(7))).config_spec.default_config()
    # add reads y with one tile only, so its 2-D grid cannot be flattened
    assert set(ad) == common | {"loop_orders", "l2_groupings", "load_eviction_policies"}
    assert len(ad["block_sizes"]) == 2


def test_bound_config_defaults_to_default_config(matmul_example):
    bound = fresh(matmul_example.matmul).bind((torch.randn(20, 20), torch.randn(20, 20)))
    assert bound.config == bound.config_spec.default_config()
    assert bound.normalize(None) == bound.config_spec.default_config()
    # a partial config is completed with the defaults
    partial = bound.normalize({"num_warps": 2})
    assert partial["num_warps"] == 2
    assert partial["block_sizes"] == bound.config_spec.default_config()["block_sizes"]


@pytest.mark.parametrize("shape", [(8,), (4, 6)])
def test_package_docstring_example(shape):
    x, y = torch.randn(shape), torch.randn(shape)
    torch.testing.assert_close(docstring_add(x, y), x + y, rtol=0, atol=0)


# -- arguments ----------------------------------------------------------------------------


def test_scalar_arguments_and_tensor_requirement():
    x, y = torch.randn(6, 5), torch.randn(6, 5)
    torch.testing.assert_close(scale_add(x, y), x * 2 + y)
    with pytest.raises(helion.exc.InvalidArgument, match="at least one tensor"):
        scale_add(1.0, 2.0)
