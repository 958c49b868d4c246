"""hl.load/hl.store with kernel-given masks and eviction policies, and the hl.atomic_*
family (hl.atomic_cas included), against PyTorch on the CPU under several configs; their
errors point at the user's line."""

import pytest
import torch
from conftest import needs_block_ptr

import helion_mlir as helion
import helion_mlir.language as hl
from helion_mlir import exc


@helion.kernel()
def keep_positive(x: torch.Tensor) -> torch.Tensor:
    out = torch.full_like(x, -1.0)
    for tm, tn in hl.tile(x.size()):
        v = hl.load(x, [tm, tn], extra_mask=x[tm, tn] > 0, eviction_policy="evict_first")
        hl.store(out, [tm, tn], v * 2, extra_mask=v != 0)
    return out


@pytest.mark.parametrize(
    "config",
    [
        {"block_sizes": [4, 8]},
        pytest.param({"block_sizes": [16, 16], "indexing": "block_ptr"}, marks=needs_block_ptr),
        {"block_sizes": [8, 4], "indexing": "tensor_descriptor"},
    ],
)
def test_load_and_store_with_extra_masks(config):
    x = torch.randn(13, 20)
    want = torch.where(x > 0, 2 * x, -1.0)
    torch.testing.assert_close(keep_positive.bind((x,)).compile_config(config)(x), want)


@needs_block_ptr
def test_masked_accesses_stay_pointers_and_keep_their_policy():
    code = keep_positive.bind((torch.randn(13, 20),)).to_triton_code({"indexing": "block_ptr"})
    assert "eviction_policy='evict_first'" in code
    assert code.count("make_block_ptr") == 1  # only the unmasked load
    # a load with a fixed policy has no load_eviction_policies slot
    spec = keep_positive.bind((torch.randn(13, 20),)).config_spec
    assert len(spec.default_config()["load_eviction_policies"]) == 1


@helion.kernel()
def column_sums(x: torch.Tensor) -> torch.Tensor:
    m, n = x.size()
    out = torch.zeros([n], dtype=x.dtype, device=x.device)
    for tm, tn in hl.tile([m, n]):
        hl.atomic_add(out, [tn], x[tm, tn].sum(0))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_atomic_add_across_programs(seed):
    x = torch.randn(37, 21)
    bound = column_sums.bind((x,))
    config = bound.config_spec.random_config(seed)
    torch.testing.assert_close(bound.compile_config(config)(x), x.sum(0), rtol=1e-4, atol=1e-4)


@helion.kernel()
def extremes(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    m, n = x.size()
    hi = torch.full([n], float("-inf"), dtype=x.dtype, device=x.device)
    lo = torch.full([n], float("inf"), dtype=x.dtype, device=x.device)
    for tm, tn in hl.tile([m, n]):
        v = x[tm, tn]
        hl.atomic_max(hi, [tn], torch.amax(v, 0))
        hl.atomic_min(lo, [tn], torch.amin(v, 0), sem="acq_rel")
    return hi, lo


def test_atomic_max_and_min():
    x = torch.randn(30, 10)
    hi, lo = extremes.bind((x,)).compile_config({"block_sizes": [8, 4]})(x)
    torch.testing.assert_close(hi, x.amax(0))
    torch.testing.assert_close(lo, x.amin(0))


@helion.kernel()
def bit_ops(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    (n,) = x.size()
    a = torch.full([n], -1, dtype=x.dtype, device=x.device)
    o = torch.zeros_like(x)
    e = torch.zeros_like(x)
    old = torch.zeros_like(x)
    for t in hl.tile(n):
        v = x[t]
        hl.atomic_and(a, [t], v)
        hl.atomic_or(o, [t], v)
        hl.atomic_xor(e, [t], v)
        hl.atomic_xor(e, [t], 5)
        old[t] = hl.atomic_xchg(a, [t], v + 1)
    return a, o, e, old


def test_bitwise_atomics_and_exchange_give_old_values():
    x = torch.randint(-1000, 1000, (29,), dtype=torch.int32)
    a, o, e, old = bit_ops.bind((x,)).compile_config({"block_sizes": [8]})(x)
    torch.testing.assert_close(a, x + 1)
    torch.testing.assert_close(o, x)
    torch.testing.assert_close(e, x ^ 5)
    torch.testing.assert_close(old, x)  # -1 & x, read back by the exchange


@helion.kernel()
def claim_slots(owner: torch.Tensor, slot: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
    old = torch.empty_like(ids)
    for t in hl.tile(slot.size(0)):
        old[t] = hl.atomic_cas(owner, [slot[t]], -1, ids[t])
    return old


@helion.kernel()
def claim_slots_one_by_one(
    owner: torch.Tensor, slot: torch.Tensor, ids: torch.Tensor
) -> torch.Tensor:
    old = torch.empty_like(ids)
    for i in hl.grid(slot.size(0)):
        old[i] = hl.atomic_cas(owner, [slot[i]], -1, ids[i], sem="acq_rel")
    return old


def check_first_writer_wins(owner, slot, ids, old):
    """Each claimed slot has one winner, which saw it free; the others saw the winner."""
    for s in range(owner.numel()):
        claimants = (slot == s).nonzero().flatten()
        if claimants.numel() == 0:
            assert owner[s] == -1
            continue
        winners = claimants[old[claimants] == -1]
        assert winners.numel() == 1, (s, old[claimants])
        assert owner[s] == ids[winners[0]]
        assert (old[claimants[claimants != winners[0]]] == owner[s]).all()


@pytest.mark.parametrize("kernel", [claim_slots, claim_slots_one_by_one])
@pytest.mark.parametrize("dtype", [torch.int32, torch.int64, torch.float32])
@pytest.mark.parametrize("seed", range(3))
def test_atomic_cas_first_writer_wins(kernel, dtype, seed):
    # 37 claimants in blocks of 8 and more: the last tile is partly out of bounds
    slot = torch.randint(0, 9, (37,), generator=torch.Generator().manual_seed(seed))
    ids = (torch.arange(37) * 3 + 100).to(dtype)
    owner = torch.full([12], -1, dtype=dtype)
    bound = kernel.bind((owner, slot, ids))
    old = bound.compile_config(bound.config_spec.random_config(seed))(owner, slot, ids)
    check_first_writer_wins(owner, slot, ids, old)


@helion.kernel()
def swap_where_equal(x: torch.Tensor, expected: torch.Tensor, new: torch.Tensor) -> torch.Tensor:
    old = torch.empty_like(x)
    for tm, tn in hl.tile(x.size()):
        old[tm, tn] = hl.atomic_cas(x, [tm, tn], expected[tm, tn], new[tm, tn])
    return old


@pytest.mark.parametrize("dtype", [torch.float32, torch.int32])
@pytest.mark.parametrize("block_sizes", [[8, 8], [16, 4], [1, 32]])
def test_atomic_cas_swaps_where_equal_and_touches_nothing_past_the_tensor(dtype, block_sizes):
    # x is a 13x20 view of a 13x24 buffer: columns 20-23 lie past its rows' ends
    buffer = (torch.randn(13, 24) * 100).to(dtype)
    x = buffer[:, :20]
    expected = torch.where(torch.rand(13, 20) < 0.5, x, (torch.randn(13, 20) * 100).to(dtype))
    new = (torch.randn(13, 20) * 100).to(dtype)
    before = buffer.clone()
    bound = swap_where_equal.bind((x, expected, new))
    old = bound.compile_config({"block_sizes": block_sizes})(x, expected, new)
    torch.testing.assert_close(old, before[:, :20])
    torch.testing.assert_close(x, torch.where(before[:, :20] == expected, new, before[:, :20]))
    torch.testing.assert_close(buffer[:, 20:], before[:, 20:])


def test_atomic_cas_of_full_tiles_is_a_plain_tl_atomic_cas():
    x = torch.zeros(16, 32)
    code = swap_where_equal.bind((x, x, x)).to_triton_code({"block_sizes": [8, 16]})
    assert "tl.atomic_cas(x + offsets, load, load_0, sem='relaxed')" in code
    assert "cas_offsets" not in code


@helion.kernel()
def split_k_matmul(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    m, k = x.size()
    _, n = y.size()
    out = torch.zeros([m, n], dtype=torch.float32, device=x.device)
    for tm, tn, outer_k in hl.tile([m, n, k], block_size=[None, None, 32]):
        acc = hl.zeros([tm, tn], dtype=torch.float32)
        for inner_k in hl.tile(outer_k.begin, outer_k.end):
            acc = torch.addmm(acc, x[tm, inner_k], y[inner_k, tn])
        hl.atomic_add(out, [tm, tn], acc)
    return out


@pytest.mark.parametrize("seed", range(4))
def test_split_k_matmul_over_runtime_inner_bounds(seed):
    x, y = torch.randn(20, 100), torch.randn(100, 12)
    bound = split_k_matmul.bind((x, y))
    config = bound.config_spec.random_config(seed)
    torch.testing.assert_close(bound.compile_config(config)(x, y), x @ y, rtol=1e-4, atol=1e-4)


def test_inner_loop_over_runtime_bounds_reads_them_directly():
    code = split_k_matmul.bind((torch.randn(20, 100), torch.randn(100, 12))).to_triton_code()
    assert "tl.range(offset_2, end, 32)" in code
    assert "tl.cast" not in code  # no index -> i64 -> index round trip


# -- errors ---------------------------------------------------------------------------------


@helion.kernel()
def atomic_on_device_tensor(x: torch.Tensor) -> torch.Tensor:
    for t in hl.tile(x.size(0)):
        acc = hl.zeros([t])
        hl.atomic_add(acc, [t], x[t])
    return x


@helion.kernel()
def atomic_bad_sem(x: torch.Tensor) -> torch.Tensor:
    for t in hl.tile(x.size(0)):
        hl.atomic_add(x, [t], 1.0, sem="seq_cst")
    return x


@helion.kernel()
def atomic_xor_on_floats(x: torch.Tensor) -> torch.Tensor:
    for t in hl.tile(x.size(0)):
        hl.atomic_xor(x, [t], x[t])
    return x


@helion.kernel()
def load_with_float_mask(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = hl.load(x, [t], extra_mask=x[t])
    return out


@helion.kernel()
def load_with_bad_policy(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for t in hl.tile(x.size(0)):
        out[t] = hl.load(x, [t], eviction_policy="keep")
    return out


@helion.kernel()
def store_missing_value(x: torch.Tensor) -> torch.Tensor:
    for t in hl.tile(x.size(0)):
        hl.store(x, [t])
    return x


ERRORS = [
    (atomic_on_device_tensor, exc.InvalidIndex, "hl.atomic_add(acc, [t], x[t])", "host code"),
    (atomic_bad_sem, exc.InvalidArgument, 'sem="seq_cst"', "'acq_rel'"),
    (atomic_xor_on_floats, exc.TypeMismatch, "hl.atomic_xor(x, [t], x[t])", "integer tensor"),
    (load_with_float_mask, exc.TypeMismatch, "extra_mask=x[t])", "boolean"),
    (load_with_bad_policy, exc.InvalidArgument, 'eviction_policy="keep"', "'evict_first'"),
    (store_missing_value, exc.TypeMismatch, "hl.store(x, [t])", "value"),
]


@pytest.mark.parametrize(
    ("kernel", "cls", "line", "words"), ERRORS, ids=[e[0].fn.__name__ for e in ERRORS]
)
def test_memory_op_errors_point_at_the_call(kernel, cls, line, words):
    with pytest.raises(cls) as info:
        kernel(torch.randn(16))
    msg = str(info.value)
    assert words in msg and line in msg, msg
    assert info.value.location is not None and info.value.location.filename == __file__


@helion.kernel()
def copy_rows(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for tm, tn in hl.tile(x.size()):
        out[tm, tn] = x[tm, tn]
    return out


@pytest.mark.parametrize(("blocks", "descriptors"), [([4, 256], 2), ([1, 512], 0)])
def test_descriptor_blocks_past_a_tma_box_keep_pointers(blocks, descriptors):
    """A TMA box spans at most 256 elements a dim: wider blocks read through pointers."""
    x = torch.randn(8, 1024)
    bound = copy_rows.bind((x,))
    config = {"block_sizes": blocks, "indexing": "tensor_descriptor"}
    assert bound.to_triton_code(config).count("tl.make_tensor_descriptor") == descriptors
    torch.testing.assert_close(bound.compile_config(config)(x), x)


@helion.kernel()
def read_transposed(x: torch.Tensor) -> torch.Tensor:
    xt = x.t()  # a view whose unit stride is its first dim
    out = torch.empty([x.size(1), x.size(0)], dtype=x.dtype)
    for tm, tn in hl.tile(out.size()):
        out[tm, tn] = xt[tm, tn] * 2
    return out


@helion.kernel()
def write_transposed(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty([x.size(1), x.size(0)], dtype=x.dtype)
    out_t = out.t()
    for tm, tn in hl.tile(x.size()):
        out_t[tm, tn] = x[tm, tn] * 2
    return out


@helion.kernel()
def transpose_twice(x: torch.Tensor) -> torch.Tensor:
    xt = x.t()
    out = torch.empty([x.size(1), x.size(0)], dtype=x.dtype)
    out_t = out.t()
    for tm, tn in hl.tile(out.size()):
        out_t[tn, tm] = (xt[tm, tn] * 2).t()
    return out


@pytest.mark.parametrize("blocks", [[16, 8], [8, 32]])
@pytest.mark.parametrize(
    ("kernel", "permutes"), [(read_transposed, 1), (write_transposed, 1), (transpose_twice, 1)]
)
def test_descriptors_of_transposed_views_read_and_write_along_memory_rows(kernel, permutes, blocks):
    """A tile of a transposed view goes through a descriptor of the memory's own dim
    order (unit stride last), transposed in the kernel after a load or before a store;
    a store's transpose cancels the user's own `.t()` of the value."""
    x = torch.randn(32, 48)
    bound = kernel.bind((x,))
    config = {"block_sizes": blocks, "indexing": "tensor_descriptor"}
    code = bound.to_triton_code(config)
    assert code.count("tl.make_tensor_descriptor") == 2, code
    assert "strides=[48, 1]" in code and "strides=[32, 1]" in code, code
    assert code.count("tl.permute(") == permutes, code
    torch.testing.assert_close(bound.compile_config(config)(x), x.t() * 2)


@helion.kernel()
def batched_dot_with_transposed_keys(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    kt = k.transpose(1, 2)
    out = torch.empty([q.size(0), q.size(1), k.size(1)], dtype=q.dtype)
    for tb, tm, tn in hl.tile(out.size()):
        out[tb, tm, tn] = torch.bmm(q[tb, tm, :], kt[tb, :, tn])
    return out


def test_a_unit_batch_of_transposed_keys_is_squeezed_then_transposed():
    """With a batch block of 1 the key tile is loaded as [1, n, d], squeezed to [n, d]
    and transposed to the dot's [d, n] (the order Triton keeps in shared memory)."""
    q, k = torch.randn(2, 32, 16), torch.randn(2, 64, 16)
    bound = batched_dot_with_transposed_keys.bind((q, k))
    config = {"block_sizes": [1, 16, 32], "indexing": "tensor_descriptor"}
    code = bound.to_triton_code(config)
    assert "block_shape=[1, 32, 16]" in code, code
    assert "tl.permute(tl.reshape(" in code, code
    torch.testing.assert_close(bound.compile_config(config)(q, k), q @ k.transpose(1, 2))


@helion.kernel()
def overwrite_then_use_old(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for tm in hl.tile(x.size(0)):
        a = x[tm, :]
        y_old = y[tm, :]
        y[tm, :] = a * 2
        out[tm, :] = y_old + torch.sum(a, dim=-1, keepdim=True)  # y as it was
    return out


@helion.kernel()
def softmax_in_place(x: torch.Tensor) -> torch.Tensor:
    for tm in hl.tile(x.size(0)):
        row = x[tm, :]
        x[tm, :] = torch.exp(row - torch.amax(row, dim=-1, keepdim=True)) / torch.sum(
            torch.exp(row - torch.amax(row, dim=-1, keepdim=True)), dim=-1, keepdim=True
        )
    return x


def test_a_row_read_before_it_is_overwritten_is_not_read_again_after():
    """Rolled, the later stage would re-read y after the first stage overwrote it: the
    row stays whole (no reduction_loops slot), in the kernel's order."""
    x, y = torch.randn(4, 70), torch.randn(4, 70)
    want_out, want_y = y + x.sum(-1, keepdim=True), x * 2
    bound = overwrite_then_use_old.bind((x, y))
    assert "reduction_loops" not in bound.config_spec.keys
    got = bound(x, y)
    torch.testing.assert_close(got, want_out)
    torch.testing.assert_close(y, want_y)


@pytest.mark.parametrize("chunk", [None, 16])
def test_a_row_written_in_its_last_stage_still_rolls(chunk):
    """Softmax in place writes x only in its last stage, after every read: it rolls."""
    x = torch.randn(4, 70)
    want = torch.softmax(x, dim=-1)
    bound = softmax_in_place.bind((x,))
    assert "reduction_loops" in bound.config_spec.keys
    got = bound.compile_config({"reduction_loops": [chunk]})(x)
    torch.testing.assert_close(got, want)


@helion.kernel()
def scaled_rows(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    out = torch.empty_like(x)
    scale = torch.empty([x.size(0)], dtype=torch.float32, device=x.device)
    for tm in hl.tile(x.size(0)):
        row = x[tm, :]
        inv = torch.rsqrt(torch.mean(row * row, dim=-1) + 1e-5)
        out[tm, :] = row * inv[:, None]
        scale[tm] = inv
    return out, scale


@pytest.mark.parametrize(("chunk", "reads"), [(None, 1), (16, 2)])
def test_a_whole_row_is_read_once_though_a_statistic_is_stored_between_its_uses(chunk, reads):
    """Rolling stores the per-row statistic in the reduction's stage, before the row's
    second use; kept whole, the row is still read once (the store is to another
    tensor), rolled it is read once per stage."""
    x = torch.randn(4, 70)
    bound = scaled_rows.bind((x,))
    config = {"reduction_loops": [chunk]}
    assert bound.to_triton_code(config).count("tl.load(") == reads
    out, scale = bound.compile_config(config)(x)
    want = torch.rsqrt(x.pow(2).mean(-1) + 1e-5)
    torch.testing.assert_close(scale, want)
    torch.testing.assert_close(out, x * want[:, None])


@helion.kernel()
def add_row_vector(x: torch.Tensor, row: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    for tm, tn in hl.tile(x.size()):
        out[tm, tn] = x[tm, tn] + row[tm, tn]
    return out


def test_a_broadcast_view_reads_through_pointers_not_a_descriptor():
    """A dim of stride 0 (an expanded tensor) is no layout a TMA copy describes: that
    access keeps pointers while the others take descriptors."""
    x = torch.randn(32, 16)
    row = torch.randn(16).expand(32, 16)  # strides (0, 1)
    col = torch.randn(32, 1).expand(32, 16)  # strides (1, 0): unit stride first
    config = {"block_sizes": [8, 16], "indexing": "tensor_descriptor"}
    for y in (row, col):
        bound = add_row_vector.bind((x, y))
        code = bound.to_triton_code(config)
        assert code.count("tl.make_tensor_descriptor") == 2, code  # x and out
        torch.testing.assert_close(bound.compile_config(config)(x, y), x + y)
