"""What the compiler targets: the CPU (Triton's interpreter) or a CUDA GPU.

Some config keys exist only on some targets (`maxnreg` needs CUDA, tensor descriptors
need Hopper or newer, warp specialization Blackwell or newer (on Hopper, the Gluon
schedule of a two-dot loop), block pointers a Triton
older than 3.9), and persistent kernels size their grid by the SM count. Passes take
the target as a string option, e.g. `cpu` or `cuda:90:132` (compute capability 9.0,
132 SMs), with `:no-block-ptr` appended for a Triton without block pointers and
`:no-gluon` for one without the Gluon that `backends/gluon` writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from helion_mlir import exc

# The SM count persistent kernels assume on the CPU, where Triton's interpreter runs
# the programs one after another.
CPU_SMS = 4

NO_BLOCK_PTR = "no-block-ptr"
NO_GLUON = "no-gluon"
# the Triton release whose (experimental, changing) Gluon API `backends/gluon` writes
GLUON_TRITON = "3.6."


@dataclass(frozen=True)
class TargetInfo:
    kind: str  # "cpu" or "cuda"
    capability: int = 0  # major * 10 + minor
    num_sm: int = CPU_SMS
    block_ptr: bool = True  # Triton 3.9 removed tl.make_block_ptr
    gluon: bool = True  # Triton's Gluon is the one backends/gluon writes (GLUON_TRITON)

    @classmethod
    def parse(cls, spec: str) -> TargetInfo:
        parts = spec.split(":")
        flags = {}
        for flag, field in ((NO_GLUON, "gluon"), (NO_BLOCK_PTR, "block_ptr")):
            if parts[-1] == flag:
                parts.pop()
                flags[field] = False
        if parts[0] == "cpu" and len(parts) == 1:
            return cls("cpu", **flags)
        if parts[0] == "cuda" and len(parts) == 3 and all(p.isdigit() for p in parts[1:]):
            return cls("cuda", int(parts[1]), int(parts[2]), **flags)
        raise exc.InvalidArgument(
            f"unknown target {spec!r}: use 'cpu' or 'cuda:<capability>:<sms>', "
            f"optionally followed by ':{NO_BLOCK_PTR}', then ':{NO_GLUON}'"
        )

    def spec(self) -> str:
        base = "cpu" if self.kind == "cpu" else f"cuda:{self.capability}:{self.num_sm}"
        flags = [(NO_BLOCK_PTR, self.block_ptr), (NO_GLUON, self.gluon)]
        return ":".join([base, *(flag for flag, has in flags if not has)])

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
        return self.kind == "cuda" and 90 <= self.capability < 100 and self.gluon


def current(device: str) -> TargetInfo:
    """The target for tensors on `device` ("cpu" or "cuda") under the installed Triton."""
    block_ptr = triton_has_block_ptr()
    if device == "cpu":
        return TargetInfo("cpu", block_ptr=block_ptr)
    import torch

    props = torch.cuda.get_device_properties(torch.cuda.current_device())
    capability = props.major * 10 + props.minor
    return TargetInfo(
        "cuda", capability, props.multi_processor_count, block_ptr, triton_has_gluon()
    )


def triton_has_gluon() -> bool:
    """Whether the installed Triton's Gluon is the one `backends/gluon` writes."""
    from importlib.metadata import version

    return version("triton").startswith(GLUON_TRITON)


def triton_has_block_ptr() -> bool:
    import triton

    major, minor = (int(part) for part in triton.__version__.split(".")[:2])
    return (major, minor) < (3, 9)
