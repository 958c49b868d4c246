"""What the compiler targets: the CPU (Triton's interpreter) or a CUDA GPU.

Some config keys exist only on some targets (`maxnreg` needs CUDA, tensor descriptors
need Hopper or newer, warp specialization Blackwell or newer (on Hopper, the Gluon
schedule of a two-dot loop), block pointers a Triton
older than 3.9), and persistent kernels size their grid by the SM count. Passes take
the target as a string option, e.g. `cpu` or `cuda:90:132` (compute capability 9.0,
132 SMs), with `:no-block-ptr` appended for a Triton without block pointers.
"""

from __future__ import annotations

from dataclasses import dataclass

from helion_mlir import exc

# The SM count persistent kernels assume on the CPU, where Triton's interpreter runs
# the programs one after another.
CPU_SMS = 4

NO_BLOCK_PTR = "no-block-ptr"


@dataclass(frozen=True)
class TargetInfo:
    kind: str  # "cpu" or "cuda"
    capability: int = 0  # major * 10 + minor
    num_sm: int = CPU_SMS
    block_ptr: bool = True  # Triton 3.9 removed tl.make_block_ptr

    @classmethod
    def parse(cls, spec: str) -> TargetInfo:
        parts = spec.split(":")
        block_ptr = parts[-1] != NO_BLOCK_PTR
        if not block_ptr:
            parts.pop()
        if parts[0] == "cpu" and len(parts) == 1:
            return cls("cpu", block_ptr=block_ptr)
        if parts[0] == "cuda" and len(parts) == 3 and all(p.isdigit() for p in parts[1:]):
            return cls("cuda", int(parts[1]), int(parts[2]), block_ptr)
        raise exc.InvalidArgument(
            f"unknown target {spec!r}: use 'cpu' or 'cuda:<capability>:<sms>', "
            f"optionally followed by ':{NO_BLOCK_PTR}'"
        )

    def spec(self) -> str:
        base = "cpu" if self.kind == "cpu" else f"cuda:{self.capability}:{self.num_sm}"
        return base if self.block_ptr else f"{base}:{NO_BLOCK_PTR}"

    @property
    def indexing_forms(self) -> list[str]:
        """The indexing forms the search space offers (Helion drops block pointers where
        tensor descriptors exist; the interpreter runs all three)."""
        if not self.block_ptr:
            return ["pointer", "tensor_descriptor"]
        if self.kind == "cpu":
            return ["pointer", "block_ptr", "tensor_descriptor"]
        if self.capability >= 90:
            return ["pointer", "tensor_descriptor"]
        return ["pointer", "block_ptr"]

    @property
    def atomic_indexing_forms(self) -> list[str]:
        """Atomics as pointers, or as TMA reductions where the hardware has them (the
        interpreter has none)."""
        if self.kind == "cuda" and self.capability >= 90:
            return ["pointer", "tensor_descriptor"]
        return ["pointer"]

    @property
    def has_maxnreg(self) -> bool:
        return self.kind == "cuda"

    @property
    def has_warp_specialize(self) -> bool:
        """Triton's own warp specialization of `tl.range` loops (Blackwell or newer)."""
        return self.kind == "cuda" and self.capability >= 100

    @property
    def has_gluon_warp_specialize(self) -> bool:
        """The warp-specialized Gluon schedule of a two-dot loop (Hopper), which
        `range_warp_specializes` selects there."""
        return self.kind == "cuda" and 90 <= self.capability < 100


def current(device: str) -> TargetInfo:
    """The target for tensors on `device` ("cpu" or "cuda") under the installed Triton."""
    block_ptr = triton_has_block_ptr()
    if device == "cpu":
        return TargetInfo("cpu", block_ptr=block_ptr)
    import torch

    props = torch.cuda.get_device_properties(torch.cuda.current_device())
    return TargetInfo(
        "cuda", props.major * 10 + props.minor, props.multi_processor_count, block_ptr
    )


def triton_has_block_ptr() -> bool:
    import triton

    major, minor = (int(part) for part in triton.__version__.split(".")[:2])
    return (major, minor) < (3, 9)
