"""Device facts generated launchers ask for at run time."""

from __future__ import annotations

import functools

from helion_mlir.target import CPU_SMS


@functools.cache
def _cuda_sms(index: int) -> int:
    import torch

    return torch.cuda.get_device_properties(index).multi_processor_count


def num_sm(tensor) -> int:
    """How many programs a persistent kernel launches per unit of `num_sm_multiplier`."""
    device = tensor.device
    if device.type == "cuda":
        return _cuda_sms(device.index if device.index is not None else 0)
    return CPU_SMS


@functools.cache
def use_tma_allocator() -> None:
    """Give Triton the global scratch memory that device-side tensor descriptors need."""
    import torch
    import triton

    def alloc(size: int, alignment: int, stream) -> torch.Tensor:
        return torch.empty(size, dtype=torch.int8, device="cuda")

    if torch.cuda.is_available():
        triton.set_allocator(alloc)
