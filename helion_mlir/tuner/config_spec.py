"""The search space of a kernel, as the tuner and users see it: read from `cfg.space`.

A `ConfigSpec` knows each config key of one kernel, the slots behind it, their domains
and defaults. It checks and normalizes configs (clamping like Helion), produces the
default config and random configs, and formats itself as a table.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import BlockArgument, SSAValue

from helion_mlir import exc
from helion_mlir.dialects import cfg, loop, mem
from helion_mlir.passes.derive_config_space import collect_slots
from helion_mlir.passes.ir_utils import fixed_elements

if TYPE_CHECKING:
    from helion_mlir.language import Tunable

Value = cfg.ConfigValue

PERSISTENT = ("persistent_blocked", "persistent_interleaved")
# keys that only apply to persistent kernels
PERSISTENT_ONLY = ("num_sm_multiplier", "maxnreg")


@dataclass(frozen=True)
class Grid:
    """One launch's grid: its `loop_orders` slot (None without one) and the
    `block_sizes` slot of each of its dims, in dim order (None for a fixed block)."""

    order: int | None
    blocks: tuple[int | None, ...]


@dataclass(frozen=True)
class Slot:
    key: str
    index: int | None
    domain: cfg.Domain
    default: Value
    owner: str

    @property
    def name(self) -> str:
        return self.key if self.index is None else f"{self.key}[{self.index}]"


class ConfigSpec:
    """The keys, domains and defaults of one kernel's configs."""

    def __init__(
        self,
        slots: list[Slot],
        grids: tuple[Grid, ...] = (),
        row_elements: Mapping[int, int] | None = None,
        streamed: Iterable[int] = (),
        gluon_loops: Iterable[int] = (),
    ):
        self.slots = slots
        self.grids = grids
        # block slot -> elements each index of its serial loop carries in whole rows,
        # for loops over rows that keep them in registers (none: 1)
        self.row_elements = dict(row_elements or {})
        # `load_eviction_policies` slots of loads that read their program's own rows
        # once: nothing reads that data again, so it need not stay in L2
        self.streamed = frozenset(streamed)
        # `range_warp_specializes` slots that select Hopper's Gluon schedule
        self.gluon_loops = frozenset(gluon_loops)
        self.keys: dict[str, list[Slot]] = {}
        for s in slots:
            self.keys.setdefault(s.key, []).append(s)
        for key, group in self.keys.items():
            indices = [s.index for s in group]
            if indices != [None] and indices != list(range(len(group))):
                raise exc.InternalError(f"config key {key!r} has slots {indices}")

    @classmethod
    def from_module(cls, module: ModuleOp) -> ConfigSpec:
        spaces = [op for op in module.ops if isinstance(op, cfg.SpaceOp)]
        if spaces:
            pairs = [(s.slot, s.owner.data) for s in spaces[0].slots]
        else:
            pairs = collect_slots(module)
        return cls(
            [Slot(r.key.data, r.slot[1], r.domain, r.default_value, owner) for r, owner in pairs],
            tuple(_grid(op) for op in module.walk() if isinstance(op, loop.LaunchOp)),
            _row_elements(module),
            _streamed(module),
            _gluon_loops(module),
        )

    def with_tunables(self, tunables: Iterable[Tunable]) -> ConfigSpec:
        """This space plus a key for each of `tunables` it lacks: user tunables that only
        host code reads, so no device op holds their slot."""
        from helion_mlir.frontend.scopes import tunable_slot

        extra = []
        for t in tunables:
            if t.name in self.keys:
                continue
            ref = tunable_slot(t)
            if ref is None:
                raise exc.InvalidArgument(
                    f"tunable {t.name!r} has non-integer choices; host arithmetic reads "
                    "tunables as ints"
                )
            extra.append(Slot(t.name, None, ref.domain, ref.default_value, "host code"))
        return (
            ConfigSpec(
                self.slots + extra, self.grids, self.row_elements, self.streamed, self.gluon_loops
            )
            if extra
            else self
        )

    def is_list(self, key: str) -> bool:
        return self.keys[key][0].index is not None

    def default_config(self):
        from helion_mlir.runtime.config import Config

        return Config(**self._assemble(lambda s: s.default))

    def random_config(self, seed: int | None = None):
        """A config drawn uniformly from each slot's domain."""
        from helion_mlir.runtime.config import Config
        from helion_mlir.tuner.domains import sample

        rng = random.Random(seed)
        values = self._assemble(lambda s: sample(s.domain, rng))
        if values.get("pid_type", "flat") not in PERSISTENT:
            for key in PERSISTENT_ONLY:
                if key in values:
                    values[key] = self._default(key)
        self._fix_for_gluon(values)
        return Config(**values)

    def _assemble(self, pick) -> dict[str, Value]:
        out: dict[str, Value] = {}
        for key, group in self.keys.items():
            values = [pick(s) for s in group]
            out[key] = values if self.is_list(key) else values[0]  # type: ignore[assignment]
        return out

    def normalize(self, config: Mapping[str, object]) -> dict[str, Value]:
        """`config` completed with defaults and moved into each domain, or InvalidConfig."""
        unknown = [k for k in config if k not in self.keys]
        if unknown:
            raise exc.InvalidConfig(
                f"unknown config key {unknown[0]!r}; this kernel's keys are "
                f"{', '.join(self.keys) or 'none'}"
            )
        out: dict[str, Value] = {}
        for key, group in self.keys.items():
            if key not in config:
                out[key] = self._default(key)
                continue
            given = config[key]
            if not self.is_list(key):
                out[key] = self._one(group[0], given)
                continue
            if isinstance(given, str):
                given = [given] * len(group)
            if not isinstance(given, list | tuple):
                raise exc.InvalidConfig(
                    f"config[{key!r}] must be a list of {len(group)} values "
                    f"({group[0].domain.describe()}), got {given!r}"
                )
            if len(given) != len(group):
                owners = "; ".join(f"{s.name}: {s.owner}" for s in group)
                raise exc.InvalidConfig(
                    f"config[{key!r}] has {len(given)} values but this kernel has "
                    f"{len(group)} ({owners})"
                )
            out[key] = [self._one(s, v) for s, v in zip(group, given)]  # type: ignore[misc]
        self._check_combination(out)
        self._fix_for_gluon(out)
        return out

    def _fix_for_gluon(self, values: dict[str, Value]) -> None:
        """Hopper's warp-specialized Gluon schedule loads through TMA, walks the tiles of
        a flat grid persistently and runs 4-warp partitions over query tiles of
        `BLOCK_M` rows of one (batch, head): with it on, the keys it decides take those
        values, so that the config printed is the one that runs."""
        from helion_mlir.backends.gluon.two_dot_loop import BLOCK_M

        ws = values.get("range_warp_specializes")
        if not isinstance(ws, list) or not any(ws[i] for i in self.gluon_loops):
            return
        sizes = values["block_sizes"]
        assert isinstance(sizes, list)
        for grid in self.grids:
            for slot in grid.blocks:
                if slot is not None:  # the query rows: a dot dim, at least 16
                    sizes[slot] = BLOCK_M if is_dot_dim(self.keys["block_sizes"][slot]) else 1
        fixed: dict[str, Value] = {"pid_type": "flat", "num_warps": 4}
        for key, value in fixed.items():
            if key in values:
                values[key] = value
        if "indexing" in values:
            values["indexing"] = ["tensor_descriptor"] * len(self.keys["indexing"])
        for key in (*PERSISTENT_ONLY, "load_eviction_policies"):
            if key in values:
                values[key] = self._default(key)

    def _check_combination(self, values: Mapping[str, Value]) -> None:
        """Keys that only mean something together with others, as in Helion."""
        pid_type = values.get("pid_type", "flat")
        if pid_type in PERSISTENT:
            return
        for key in PERSISTENT_ONLY:
            if key in values and values[key] != self._default(key):
                raise exc.InvalidConfig(
                    f"config {key} = {values[key]!r} needs a persistent pid_type "
                    f"({' or '.join(PERSISTENT)}), but pid_type is {pid_type!r}"
                )

    def _default(self, key: str) -> Value:
        return self._assemble(lambda s: s.default)[key]

    @staticmethod
    def _one(slot: Slot, value: object) -> Value:
        try:
            return slot.domain.normalize(value)
        except ValueError as e:
            raise exc.InvalidConfig(
                f"config {slot.name} = {value!r} is invalid: {e}; it must be "
                f"{slot.domain.describe()}"
            ) from None

    def value(self, normalized: Mapping[str, Value], key: str, index: int | None) -> Value:
        v = normalized[key]
        return v[index] if index is not None else v  # type: ignore[index]

    def table(self) -> str:
        """The space as a text table: key, owner, domain, default."""
        rows = [("key", "owner", "domain", "default")]
        rows += [(s.name, s.owner, s.domain.describe(), repr(s.default)) for s in self.slots]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"ConfigSpec({', '.join(s.name for s in self.slots)})"


def is_dot_dim(slot: Slot) -> bool:
    """A block slot a dot uses (tl.dot needs at least 16)."""
    low = getattr(slot.domain, "low", None)
    return low is not None and low.data >= 16


def _gluon_loops(module: ModuleOp) -> set[int]:
    return {
        slot
        for op in module.walk()
        if isinstance(op, loop.ForOp)
        and (slot := _slot_of(op.gluon_warp_specialize, "range_warp_specializes")) is not None
    }


def _slot_of(attr: object, key: str) -> int | None:
    if isinstance(attr, cfg.RefAttr) and attr.key.data == key:
        return attr.slot[1]
    return None


def _block_slot(step: SSAValue) -> int | None:
    owner = step.owner
    return _slot_of(owner.slot, "block_sizes") if isinstance(owner, cfg.ParamOp) else None


def _grid(launch: loop.LaunchOp) -> Grid:
    blocks = tuple(_block_slot(step) for step in launch.steps)
    return Grid(_slot_of(launch.loop_order, "loop_orders"), blocks)


def _streamed(module: ModuleOp) -> set[int]:
    """The eviction slots of loads that stream rows of their program's own (a grid
    tile, along a `:` dim), read once: not re-read by a later stage of a rolled
    reduction."""
    reads: dict[int, list[mem.LoadOp]] = {}
    for op in module.walk():
        if isinstance(op, mem.LoadOp):
            slot = _slot_of(op.eviction_policy, "load_eviction_policies")
            if slot is not None:
                reads.setdefault(slot, []).append(op)
    return {slot for slot, ops in reads.items() if len(ops) == 1 and _streams_rows(ops[0])}


def _streams_rows(load: mem.LoadOp) -> bool:
    """Whether a load reads a tile of a grid dim along an inner dim: its program's own
    rows, which other programs share no cache lines of (unlike a label per row)."""
    grid = inner = False
    for index in load.indices:
        if isinstance(tile_op := index.owner, loop.TileOp):
            offset = tile_op.offset
            launched = isinstance(offset, BlockArgument) and isinstance(
                offset.owner.parent_op(), loop.LaunchOp
            )
            grid, inner = grid or launched, inner or not launched
    return grid and inner


def _row_elements(module: ModuleOp) -> dict[int, int]:
    out: dict[int, int] = {}
    for op in module.walk():
        if isinstance(op, loop.ForOp) and (slot := _block_slot(op.step)) is not None:
            if (n := fixed_elements(op)) > 1:
                out[slot] = max(out.get(slot, 1), n)
    return out
