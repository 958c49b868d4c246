"""Row-wise torch expressions for test_torch_ops.py: each maps a [rows, cols] tile to a
tile of the same shape, and runs unchanged in eager PyTorch as the reference."""

import torch

CASES = {
    "var_std": lambda v: v / v.std(-1, keepdim=True) - v.var(-1, keepdim=True),
    "prod": lambda v: v - v.prod(-1, keepdim=True),
    "argmax": lambda v: v * 0 + v.argmax(-1, keepdim=True).to(v.dtype),
    "argmin": lambda v: v * 0 + torch.argmin(v, dim=1, keepdim=True).to(v.dtype),
    "max_with_indices": lambda v: (
        v - torch.max(v, dim=-1, keepdim=True)[0] + torch.max(v, dim=-1, keepdim=True)[1]
    ),
    "min_with_indices": lambda v: v * torch.min(v, 1, keepdim=True).indices,
    "softplus": lambda v: torch.nn.functional.softplus(v),
    "log_softmax": lambda v: torch.log_softmax(v, -1),
    "softmax": lambda v: torch.softmax(v, dim=1),
    "masked_fill": lambda v: v.masked_fill(v > 0, 0.0),
    "gelu_tanh": lambda v: torch.nn.functional.gelu(v, approximate="tanh"),
    "gelu_erf": lambda v: torch.nn.functional.gelu(v),
    "silu_sigmoid": lambda v: torch.nn.functional.silu(v) + torch.sigmoid(v),
    "any_all": lambda v: (
        v * torch.any(v > 1, -1, keepdim=True) + torch.all(v > -3, -1, keepdim=True)
    ),
    "transpose_T": lambda v: v.T.T + v.transpose(0, 1).permute(1, 0),
    "flip": lambda v: v.flip(-1),
    "cumsum_cumprod": lambda v: v.cumsum(-1) + (v * 0.1).cumprod(dim=1),
    "sort": lambda v: torch.sort(v, -1)[0] - v.sort(dim=1, descending=True).values,
    "topk": lambda v: (
        v
        - torch.topk(v, 4, -1).values.sum(-1, keepdim=True)
        + torch.topk(v, 2, dim=1, largest=False)[0].mean(-1, keepdim=True)
    ),
    "gather": lambda v: torch.gather(v, 1, (v.abs() * 100).to(torch.int64) % 12),
    "int_floor_div_mod": lambda v: ((v * 10).to(torch.int32) // 3 % 5).to(v.dtype),
    "bitwise_logic": lambda v: ((v > 0) ^ (v < 1) | (v > 0.5) & ~(v < -1)).to(v.dtype),
    "pow_sqrt": lambda v: v**2 + torch.pow(v.abs(), 0.5) + v.abs().sqrt(),
    "erf_exp_log": lambda v: torch.erf(v) + torch.exp(v) + torch.log(v.abs() + 1),
    "sign_floor_ceil_round": lambda v: (
        torch.sign(v) + torch.floor(v) + torch.ceil(v) + torch.round(v * 3)
    ),
    "minimum_maximum": lambda v: torch.minimum(v, v * 2) + torch.maximum(v, -v),
    "isnan_where": lambda v: torch.where(torch.isnan(v.sqrt()), 0.0, v),
    "unsqueeze_squeeze": lambda v: (v.unsqueeze(0) + 1).squeeze(0),
    "clamp_relu": lambda v: torch.clamp(v, -0.5, 0.5) + torch.relu(v),
    "stack_split": lambda v: torch.stack([v, v * 2], dim=-1).sum(-1),
    "mean_keepdim": lambda v: v - v.mean(-1, keepdim=True),
}
CASES["cat_of_static_dims"] = lambda v: (
    torch.cat([v[:, None, :], (v * 2)[:, None, :]], dim=1).sum(1)
    + torch.cat([v.unsqueeze(-1)] * 4, -1).amax(-1)
)
CASES["float_mod_floordiv"] = lambda v: v % 0.7 + (v * 3) // 2 + torch.remainder(v, -1.5)
CASES["int_shifts"] = lambda v: (((v * 100).to(torch.int32) << 2) >> 3).to(v.dtype)
