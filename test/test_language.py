"""Language constructs of device code against PyTorch on the CPU: loops over `range`,
`hl.static_range` and values known when compiling, `hl.arange`, `hl.split`/`hl.join`,
control flow on device scalars, and their errors."""

import pytest
import torch
from conftest import needs_block_ptr

import helion_mlir as helion
import helion_mlir.language as hl
from helion_mlir import exc


@helion.kernel()
def strided_sums(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.zeros([m, 3], dtype=x.dtype, device=x.device)
    for tm in hl.tile(m):
        every_other = hl.zeros([tm], dtype=torch.float32)
        for j in range(1, n, 2):  # a device loop with a step
            every_other = every_other + x[tm, j]
        unrolled = hl.zeros([tm], dtype=torch.float32)
        for k in hl.static_range(3):  # repeated when compiling
            unrolled = unrolled + x[tm, k] * (k + 1)
        scaled = x[tm, 0]
        for w in (2.0, 0.5, 3.0):  # a tuple known when compiling
            scaled = scaled * w
        out[tm, 0] = every_other
        out[tm, 1] = unrolled
        out[tm, 2] = scaled
    return out


def test_range_static_range_and_unrolled_loops():
    x = torch.randn(7, 9)
    want = torch.stack(
        [x[:, 1::2].sum(1), x[:, 0] + 2 * x[:, 1] + 3 * x[:, 2], x[:, 0] * 3.0], dim=1
    )
    torch.testing.assert_close(strided_sums(x), want, rtol=1e-5, atol=1e-5)
    code = strided_sums.bind((x,)).to_triton_code()
    assert code.count("tl.range(") == 1  # the static_range and tuple loops are unrolled


@helion.kernel()
def arange_join_split(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty([m, n], dtype=x.dtype, device=x.device)
    for tm in hl.tile(m):
        v = x[tm, :]
        ramp = hl.arange(3, 3 + 2 * n, 2).to(torch.float32)  # 3, 5, 7, ...
        pair = hl.join(v, v * 10)
        lo, hi = hl.split(pair)
        out[tm, :] = lo + hi + ramp[None, :]
    return out


def test_arange_join_split():
    x = torch.randn(5, 8)
    ramp = torch.arange(3, 19, 2, dtype=torch.float32)
    torch.testing.assert_close(arange_join_split(x), x * 11 + ramp)


@helion.kernel()
def for_else(x: torch.Tensor) -> torch.Tensor:
    for t in hl.tile(x.size(0)):
        for k in range(3):
            x[t] = x[t] + k
        else:
            x[t] = 0
    return x


@helion.kernel()
def arange_not_pow2(x: torch.Tensor) -> torch.Tensor:
    for t in hl.tile(x.size(0)):
        x[t] = x[t] + hl.arange(6).sum()
    return x


@pytest.mark.parametrize(
    ("kernel", "cls", "line", "words"),
    [
        (for_else, exc.UnsupportedSyntax, "for k in range(3):", "for ... else"),
        (arange_not_pow2, exc.ShapeMismatch, "hl.arange(6)", "power of two"),
    ],
)
def test_language_errors(kernel, cls, line, words):
    with pytest.raises(cls, match=words.replace(".", r"\.")) as info:
        kernel(torch.randn(8))
    assert line in str(info.value)


# -- control flow on device values ---------------------------------------------------------


@helion.kernel()
def branchy(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty_like(x)
    for i in hl.grid(m):
        row = x[i, :]
        if y[i] > 0:
            row = row * 2
            extra = 1.0
        elif y[i] < -1:
            extra = 7.0
        else:
            extra = 5.0
        if i == 0:
            row = row - 100
        out[i, :] = row + extra
    return out


def test_if_elif_else_on_device_scalars():
    x, y = torch.randn(6, 16), torch.tensor([0.5, -2.0, -0.5, 1.0, -3.0, 0.0])
    want = torch.where(y[:, None] > 0, x * 2 + 1, torch.where(y[:, None] < -1, x + 7, x + 5))
    want[0] -= 100
    torch.testing.assert_close(branchy(x, y), want)
    code = branchy.bind((x, y)).to_triton_code()
    assert code.count("if ") >= 3 and "else:" in code


@helion.kernel()
def collatz_steps(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for i in hl.grid(x.size(0)):
        v = x[i]
        steps = 0  # a Python number the loop changes: carried as a device value
        while v != 1:
            v = torch.where(v % 2 == 0, v // 2, 3 * v + 1)
            steps += 1
        out[i] = steps
    return out


def test_while_on_a_device_condition():
    x = torch.tensor([1, 2, 3, 6, 7, 27], dtype=torch.int32)

    def steps(n: int) -> int:
        s = 0
        while n != 1:
            n, s = (n // 2 if n % 2 == 0 else 3 * n + 1), s + 1
        return s

    assert collatz_steps(x).tolist() == [steps(int(v)) for v in x]
    assert "while cond:" in collatz_steps.bind((x,)).to_triton_code()


@helion.kernel()
def positive_stats(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty([m, 2], dtype=x.dtype, device=x.device)
    for i in hl.grid(m):
        total = 0.0
        count = 0
        for j in range(n):
            v = x[i, j]
            if v > 0:
                total = total + v
                count += 1
        out[i, 0] = total
        out[i, 1] = count
    return out


def test_numbers_changed_in_a_loop_are_carried():
    x = torch.randn(5, 9)
    want = torch.stack([x.clamp(min=0).sum(1), (x > 0).sum(1).to(x.dtype)], 1)
    torch.testing.assert_close(positive_stats(x), want, rtol=1e-5, atol=1e-5)


@helion.kernel()
def maybe_defined(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for i in hl.grid(x.size(0)):
        if x[i] > 0:
            y = x[i]
        out[i] = y
    return out


@helion.kernel()
def forever(x: torch.Tensor) -> torch.Tensor:
    for i in hl.grid(x.size(0)):
        while True:
            x[i] = 0
    return x


@helion.kernel()
def if_on_a_tile(x: torch.Tensor) -> torch.Tensor:
    for t in hl.tile(x.size(0)):
        if x[t] > 0:
            x[t] = 0
    return x


@pytest.mark.parametrize(
    ("kernel", "cls", "line", "words"),
    [
        (maybe_defined, exc.UndefinedName, "out[i] = y", "only assigned on some paths"),
        (forever, exc.UnsupportedSyntax, "while True:", "loops forever"),
        (if_on_a_tile, exc.TypeMismatch, "if x[t] > 0:", "torch.where"),
    ],
)
def test_control_flow_errors(kernel, cls, line, words):
    with pytest.raises(cls, match=words) as info:
        kernel(torch.randn(8))
    assert line in str(info.value)


@helion.kernel()
def first_negative(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty([m, 2], dtype=x.dtype, device=x.device)
    for i in hl.grid(m):
        found = -1
        skipped = 0.0
        for j in range(n):
            v = x[i, j]
            if v > 1:
                skipped = skipped + v
                continue
            if v < 0:
                found = j
                break
        k = 0
        while k < n:
            if x[i, k] > 1.5:
                break
            k += 1
        out[i, 0] = found * 100 + k
        out[i, 1] = skipped
    return out


def test_break_and_continue_in_device_loops():
    x = torch.randn(8, 9)

    def reference(row: list[float]) -> tuple[float, float]:
        found, skipped = -1, 0.0
        for j, v in enumerate(row):
            if v > 1:
                skipped += v
                continue
            if v < 0:
                found = j
                break
        k = next((k for k, v in enumerate(row) if v > 1.5), len(row))
        return found * 100 + k, skipped

    want = torch.tensor([reference(r) for r in x.tolist()])
    torch.testing.assert_close(first_negative(x), want, rtol=1e-5, atol=1e-5)


# -- several top-level loops --------------------------------------------------------------


@helion.kernel()
def normalize_columns(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    totals = torch.zeros([n], dtype=torch.float32, device=x.device)
    out = torch.empty_like(x)
    for tm, tn in hl.tile([m, n]):
        hl.atomic_add(totals, [tn], x[tm, tn].sum(0))
    hl.barrier()
    for tm, tn in hl.tile([m, n]):
        out[tm, tn] = x[tm, tn] / totals[tn]
    return out


@pytest.mark.parametrize("seed", range(4))
def test_top_level_loops_run_in_order(seed):
    x = torch.rand(12, 10) + 0.1
    bound = normalize_columns.bind((x,))
    config = bound.config_spec.random_config(seed)
    torch.testing.assert_close(bound.compile_config(config)(x), x / x.sum(0), rtol=1e-4, atol=1e-5)
    code = bound.to_triton_code(config)
    assert "_launch_normalize_columns_0(totals, x)" in code
    assert "_launch_normalize_columns_1(totals, x, out)" in code


@helion.kernel()
def statement_between_loops(x: torch.Tensor) -> torch.Tensor:
    for t in hl.tile(x.size(0)):
        x[t] = x[t] + 1
    y = x * 2
    for t in hl.tile(x.size(0)):
        x[t] = x[t] + 1
    return y


def test_statements_between_top_level_loops_are_an_error():
    with pytest.raises(exc.UnsupportedSyntax, match="between top-level device loops") as info:
        statement_between_loops(torch.randn(8))
    assert "y = x * 2" in str(info.value)


# -- reductions and scans with combine functions --------------------------------------------


def argmax_combine(lv, li, rv, ri):
    take_right = (rv > lv) | ((rv == lv) & (ri < li))
    return torch.where(take_right, rv, lv), torch.where(take_right, ri, li)


@helion.kernel()
def combine_ops(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty([m, 5, n], dtype=x.dtype, device=x.device)
    for tm in hl.tile(m):
        v = x[tm, :]
        total = hl.reduce(lambda a, b: a + b, v, dim=1, keep_dims=True)
        position = v * 0 + hl.arange(n).to(torch.float32)[None, :]
        _, where = hl.reduce(
            argmax_combine, (v, position), dim=1, other=(float("-inf"), 0.0), keep_dims=True
        )
        out[tm, 0, :] = total + v * 0
        out[tm, 1, :] = where + v * 0
        out[tm, 2, :] = hl.associative_scan(lambda a, b: torch.maximum(a, b), v, dim=1)
        out[tm, 3, :] = hl.cumsum(v, dim=1, reverse=True)
        out[tm, 4, :] = hl.cumprod(v * 0.5 + 1, 1)
    return out


@pytest.mark.parametrize("block", [2, 4])
def test_reduce_and_scan_with_combine_functions(block):
    x = torch.randn(6, 16)
    got = combine_ops.bind((x,)).compile_config({"block_sizes": [block]})(x)
    torch.testing.assert_close(got[:, 0, 0], x.sum(1), rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(got[:, 1, 0], x.argmax(1).to(x.dtype))
    torch.testing.assert_close(got[:, 2], x.cummax(1).values)
    torch.testing.assert_close(got[:, 3], x.flip(1).cumsum(1).flip(1), rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(got[:, 4], (x * 0.5 + 1).cumprod(1), rtol=1e-5, atol=1e-5)


@helion.kernel()
def padded_combine(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty([x.size(0)], dtype=x.dtype, device=x.device)
    for tm in hl.tile(x.size(0)):
        out[tm] = hl.reduce(lambda a, b: torch.minimum(a, b), x[tm, :], dim=1, other=float("inf"))
    return out


def test_combine_reduction_fills_padding_with_other():
    x = torch.rand(5, 12) + 1  # 12 pads to 16; zero padding would win a min
    torch.testing.assert_close(padded_combine(x), x.amin(1))


@helion.kernel()
def normalize_rows(x: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.empty(x.shape, dtype=like.dtype, device=x.device)
    for tile_m in hl.tile(m):
        total = x[tile_m, :].sum(-1)  # a ':' reduction read by a nested loop
        for tile_n in hl.tile(n):
            out[tile_m, tile_n] = (x[tile_m, tile_n] / total[:, None]).to(like.dtype)
    return out


@pytest.mark.parametrize("rolled", [None, 16])
def test_reduction_feeding_a_nested_loop_and_an_argument_read_only_for_its_dtype(rolled):
    x, like = torch.rand(8, 100) + 0.1, torch.empty(1, dtype=torch.float16)
    got = normalize_rows.bind((x, like)).compile_config({"reduction_loops": [rolled]})(x, like)
    torch.testing.assert_close(got, (x / x.sum(-1, keepdim=True)).half(), rtol=1e-3, atol=1e-3)


@helion.kernel()
def is_positive(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty(x.shape, dtype=torch.bool, device=x.device)
    for t in hl.tile(x.size()):
        out[t] = x[t] > 0
    return out


@pytest.mark.parametrize(
    "indexing", ["pointer", pytest.param("block_ptr", marks=needs_block_ptr), "tensor_descriptor"]
)
def test_bool_stores_in_every_indexing_form(indexing):
    x = torch.randn(16, 32)
    got = is_positive.bind((x,)).compile_config({"indexing": indexing})(x)
    assert torch.equal(got, x > 0)


@helion.kernel()
def jagged_row_max(x_values: torch.Tensor, x_offsets: torch.Tensor) -> torch.Tensor:
    num_segments = x_offsets.size(0) - 1
    out = torch.empty([num_segments], dtype=x_values.dtype, device=x_values.device)
    for tile_b in hl.tile(num_segments):
        starts = x_offsets[tile_b]
        lengths = x_offsets[tile_b.index + 1] - starts
        best = hl.full([tile_b], float("-inf"), dtype=torch.float32)
        for tile_k in hl.jagged_tile(lengths):
            v = hl.load(x_values, [starts[:, None] + tile_k.index[None, :]])
            valid = tile_k.index[None, :] < lengths[:, None]
            best = torch.maximum(best, torch.where(valid, v, float("-inf")).amax(dim=1))
        out[tile_b] = best
    return out


@pytest.mark.parametrize("seed", range(3))
def test_jagged_tile_masks_each_lane_at_its_length(seed):
    lengths = torch.tensor([3, 1, 7, 2, 5, 4])
    offsets = torch.cat([torch.zeros(1, dtype=torch.long), lengths.cumsum(0)])
    x = torch.randn(int(offsets[-1]))
    want = torch.stack([x[offsets[i] : offsets[i + 1]].max() for i in range(len(lengths))])
    bound = jagged_row_max.bind((x, offsets))
    config = bound.config_spec.random_config(seed)
    torch.testing.assert_close(bound.compile_config(config)(x, offsets), want)


@helion.kernel(autotune_effort="none")
def tile_facts(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty([x.size(0), 6], dtype=torch.int64, device=x.device)
    for t in hl.tile(x.size(0)):
        facts = [t.index, t.begin, t.end, t.block_size, t.id, t.count]
        for i, fact in enumerate(facts):  # a Python list: unrolled
            out[t, i] = fact + t.index * 0
    return out


@pytest.mark.parametrize("block", [4, 8, 16])
def test_tile_attributes(block):
    """`.index .begin .end .block_size .id .count` of each row's tile (the last tile is
    cut short at the end: `.end` is clipped, `.block_size` is not)."""
    n = 21
    bound = tile_facts.bind((torch.zeros(n),))
    got = bound.compile_config({"block_sizes": [block]})(torch.zeros(n))
    rows = []
    for i in range(n):
        begin = i // block * block
        rows.append([i, begin, min(begin + block, n), block, i // block, -(-n // block)])
    assert got.tolist() == rows


@helion.kernel(autotune_effort="none")
def weighted_parts(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        v = x[t]
        acc = v * 0
        for part, w in zip(reversed([v, v * 2]), (3.0, 5.0)):
            acc = acc + part * w
        out[t] = acc
    return out


def test_sequence_builtins_over_device_values():
    """`enumerate`/`zip`/`reversed` rearrange Python sequences of device values; the
    loops over them unroll (`test_tile_attributes` uses `enumerate`)."""
    x = torch.randn(37)
    torch.testing.assert_close(weighted_parts(x), x * 11)
