"""Mamba-2 (SSD) chunk scan: each output position of a chunk is the previous chunk
state read through C and decayed by `exp(dA_cumsum)`, plus the causal intra-chunk
sum of `C·B` scores times decay times `dt` times x, plus the `D` skip connection."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def mamba2_chunk_scan(
    cb: torch.Tensor,
    x: torch.Tensor,
    dt: torch.Tensor,
    dA_cumsum: torch.Tensor,
    C: torch.Tensor,
    prev_states: torch.Tensor,
    D: torch.Tensor,
) -> torch.Tensor:
    batch, nchunks, ngroups, chunk_size, _ = cb.size()
    _, seqlen, nheads, headdim = x.size()
    dstate = C.size(-1)
    heads_per_group = nheads // ngroups
    x_chunks = x.view(batch, nchunks, chunk_size, nheads, headdim)
    c_chunks = C.view(batch, nchunks, chunk_size, ngroups, dstate)
    states_t = prev_states.transpose(-1, -2)  # [batch, nchunks, nheads, dstate, headdim]
    out = torch.empty_like(x)
    out_chunks = out.view(batch, nchunks, chunk_size, nheads, headdim)
    for b, c, h in hl.grid([batch, nchunks, nheads]):
        g = h // heads_per_group
        for tile_m, tile_n in hl.tile([chunk_size, headdim]):
            dA_m = dA_cumsum[b, h, c, tile_m].to(torch.float32)
            acc = hl.zeros([tile_m, tile_n], dtype=torch.float32)
            for tile_s in hl.tile(dstate):
                acc = hl.dot(c_chunks[b, c, tile_m, g, tile_s], states_t[b, c, h, tile_s, tile_n], acc=acc)
            acc = acc * torch.exp(dA_m)[:, None]
            for tile_k in hl.tile(0, tile_m.end):
                scores = cb[b, c, g, tile_m, tile_k].to(torch.float32)
                dA_k = dA_cumsum[b, h, c, tile_k].to(torch.float32)
                dt_k = dt[b, h, c, tile_k].to(torch.float32)
                weights = scores * torch.exp(dA_m[:, None] - dA_k[None, :]) * dt_k[None, :]
                causal = tile_m.index[:, None] >= tile_k.index[None, :]
                weights = torch.where(causal, weights, 0.0)
                acc = hl.dot(weights.to(x.dtype), x_chunks[b, c, tile_k, h, tile_n], acc=acc)
            acc = acc + D[h].to(torch.float32) * x_chunks[b, c, tile_m, h, tile_n].to(torch.float32)
            out_chunks[b, c, tile_m, h, tile_n] = acc.to(out.dtype)
    return out


def reference(cb, x, dt, dA_cumsum, C, prev_states, D):
    batch, nchunks, ngroups, chunk_size, _ = cb.shape
    _, seqlen, nheads, headdim = x.shape
    hpg = nheads // ngroups
    xc = x.view(batch, nchunks, chunk_size, nheads, headdim)
    c_heads = C.view(batch, nchunks, chunk_size, ngroups, -1).repeat_interleave(hpg, dim=3)
    dA = dA_cumsum.permute(0, 2, 1, 3)  # b c h l
    from_state = torch.einsum("bclhs,bchps->bclhp", c_heads, prev_states)
    from_state = from_state * torch.exp(dA).permute(0, 1, 3, 2)[..., None]
    decay = torch.exp(dA[..., :, None] - dA[..., None, :])  # b c h l k
    weights = cb.repeat_interleave(hpg, dim=2) * decay * dt.permute(0, 2, 1, 3)[..., None, :]
    weights = weights * torch.tril(torch.ones(chunk_size, chunk_size))
    intra = torch.einsum("bchlk,bckhp->bclhp", weights, xc)
    out = from_state + intra + D[None, None, None, :, None] * xc
    return out.reshape(batch, seqlen, nheads, headdim)


def check(device: str = "cpu") -> None:
    batch, nchunks, chunk_size, ngroups, nheads, headdim, dstate = 1, 2, 16, 1, 2, 16, 16
    seqlen = nchunks * chunk_size
    cb = torch.randn(batch, nchunks, ngroups, chunk_size, chunk_size, device=device)
    x = torch.randn(batch, seqlen, nheads, headdim, device=device)
    dt = torch.rand(batch, nheads, nchunks, chunk_size, device=device) * 0.1
    dA_cumsum = torch.cumsum(-torch.rand(batch, nheads, nchunks, chunk_size, device=device) * 0.1, dim=-1)
    C = torch.randn(batch, seqlen, ngroups, dstate, device=device)
    prev_states = torch.randn(batch, nchunks, nheads, headdim, dstate, device=device)
    D = torch.randn(nheads, device=device)
    args = (cb, x, dt, dA_cumsum, C, prev_states, D)
    expected = reference(*args)
    torch.testing.assert_close(mamba2_chunk_scan(*args), expected, rtol=1e-3, atol=1e-3)
    bound = mamba2_chunk_scan.bind(args)
    for config in (helion.Config(block_sizes=[16, 16, 16, 16]), helion.Config(block_sizes=[8, 16, 8, 8])):
        torch.testing.assert_close(bound.compile_config(config)(*args), expected, rtol=1e-3, atol=1e-3)


if __name__ == "__main__":
    check()
    print("mamba2_chunk_scan: ok")
