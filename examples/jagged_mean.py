"""Mean over the rows of each segment of a jagged tensor (`x_offsets` delimits the
segments of `x_values`); only the first `feature_counts[b]` features of segment b are
averaged, the rest of its output row is zero."""

import torch

import helion_mlir as helion
import helion_mlir.language as hl


@helion.kernel()
def jagged_mean(x_values: torch.Tensor, x_offsets: torch.Tensor, feature_counts: torch.Tensor) -> torch.Tensor:
    num_segments = x_offsets.size(0) - 1
    m = x_values.size(1)
    out = torch.empty([num_segments, m], dtype=x_values.dtype, device=x_values.device)
    for tile_b in hl.tile(num_segments):
        starts = x_offsets[tile_b]
        ends = x_offsets[tile_b.index + 1]
        lengths = ends - starts
        max_length = lengths.amax()
        features = feature_counts[tile_b]
        for tile_m in hl.tile(m):
            feature_ok = tile_m.index[None, :] < features[:, None]
            acc = hl.zeros([tile_b, tile_m], dtype=torch.float32)
            for tile_k in hl.tile(0, max_length):
                rows = starts[:, None] + tile_k.index[None, :]
                row_ok = tile_k.index[None, :] < lengths[:, None]
                mask = row_ok[:, :, None] & feature_ok[:, None, :]
                values = hl.load(x_values, [rows, tile_m], extra_mask=mask)
                acc = acc + values.to(torch.float32).sum(dim=1)
            mean = torch.where(lengths[:, None] > 0, acc / lengths[:, None].to(torch.float32), 0.0)
            out[tile_b, tile_m] = torch.where(feature_ok, mean, 0.0).to(out.dtype)
    return out


def reference(x_values: torch.Tensor, x_offsets: torch.Tensor, feature_counts: torch.Tensor) -> torch.Tensor:
    rows = []
    for b in range(x_offsets.numel() - 1):
        seg = x_values[x_offsets[b] : x_offsets[b + 1]]
        mean = seg.mean(0) if seg.size(0) > 0 else torch.zeros(x_values.size(1))
        mean[feature_counts[b] :] = 0
        rows.append(mean)
    return torch.stack(rows)


def check(device: str = "cpu") -> None:
    lengths = torch.tensor([3, 0, 7, 1, 5, 2, 9, 4, 0, 6])
    offsets = torch.cat([torch.zeros(1, dtype=torch.long), lengths.cumsum(0)]).to(device)
    m = 20
    x_values = torch.randn(int(offsets[-1]), m, device=device)
    feature_counts = torch.randint(1, m + 1, (lengths.numel(),), device=device)
    expected = reference(x_values, offsets, feature_counts)
    torch.testing.assert_close(jagged_mean(x_values, offsets, feature_counts), expected, rtol=1e-5, atol=1e-5)
    bound = jagged_mean.bind((x_values, offsets, feature_counts))
    for config in (helion.Config(block_sizes=[4, 8, 4]), helion.Config(block_sizes=[16, 32, 8])):
        got = bound.compile_config(config)(x_values, offsets, feature_counts)
        torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-5)


if __name__ == "__main__":
    check()
    print("jagged_mean: ok")
