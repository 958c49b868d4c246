"""How the tuner draws values from each kind of `cfg` domain."""

from __future__ import annotations

import itertools
import random

from helion_mlir.dialects import cfg


def choices(domain: cfg.Domain) -> list[cfg.ConfigValue]:
    """Every value of a finite domain, in increasing order."""
    match domain:
        case cfg.Pow2Attr():
            lo, hi = domain.low.data, domain.high.data
            return [
                1 << e for e in range(lo.bit_length() - 1, hi.bit_length()) if lo <= 1 << e <= hi
            ]
        case cfg.IntRangeAttr():
            return list(range(domain.low.data, domain.high.data + 1))
        case cfg.ChunkAttr():
            lo, full = domain.low.data, domain.high.data
            return [
                1 << e for e in range(lo.bit_length() - 1, full.bit_length()) if lo <= 1 << e < full
            ] + [None]
        case cfg.EnumAttr():
            return domain.values
        case cfg.PermAttr():
            return [list(p) for p in itertools.permutations(range(domain.size.data))]
    raise TypeError(f"no choices for {domain}")


def sample(domain: cfg.Domain, rng: random.Random) -> cfg.ConfigValue:
    return rng.choice(choices(domain))
