"""`@kernel`, `Kernel` and `BoundKernel`: compiling and running kernels.

A `Kernel` wraps the user's function. Calling it binds the arguments' specialization
(shapes, strides, dtypes, devices; ints by value, floats by type) to a `BoundKernel`,
which runs the frontend and the config-free pipeline once. Each config is then bound
and emitted on its own, and the resulting module is loaded and cached per config.
Nothing here imports torch, xdsl or triton until a kernel is first bound.
"""

from __future__ import annotations

import functools
import inspect
import math
import sys
import types
import weakref
from collections.abc import Callable, Hashable, Mapping, Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, overload

from helion_mlir import exc
from helion_mlir.language import constexpr
from helion_mlir.runtime.config import Config
from helion_mlir.runtime.errors import compiler_step, user_facing
from helion_mlir.runtime.settings import Settings

if TYPE_CHECKING:
    from helion_mlir.tuner.config_spec import ConfigSpec

STAGES = ("tile", "loop", "mem", "triton")


def _captured_key(v: Any) -> Hashable:
    """A value a function argument captures is inlined into the kernel: numbers by
    value, tensors by their specialization."""
    if isinstance(v, bool | int | float):
        return ("value", type(v), v)
    return _arg_key(v)


def _reporting_failed_asserts(launcher: Callable[..., Any]) -> Callable[..., Any]:
    """`launcher` run by Triton's interpreter, which runs the kernel's asserts (an index
    of a gather or scatter within its dim): a failing one is the caller's data, and
    says so at the kernel's line, where Triton would wrap it in its own error."""

    def launch(*values: Any) -> Any:
        try:
            return launcher(*values)
        except Exception as e:
            if isinstance(e.__cause__, AssertionError):
                raise exc.InvalidArgument(str(e.__cause__)) from None
            raise

    return launch


def _unwrap_constexpr(args: Sequence[Any]) -> tuple[Any, ...]:
    """Call-site `hl.constexpr(v)` wrappers as their values (specialized by value)."""
    if not any(isinstance(a, constexpr) for a in args):  # the usual call: nothing to do
        return tuple(args)
    return tuple(a.value if isinstance(a, constexpr) else a for a in args)


def _cell(c: Any) -> Any:
    try:
        return c.cell_contents
    except ValueError:  # not yet assigned
        return None


def _arg_key(a: Any) -> Hashable:
    """What of an argument a compiled kernel is specialized on. Computed for every
    argument of every call, so the rule for an argument's type is looked up once and
    kept."""
    key = _KEY_OF_TYPE.get(id(type(a)))
    if key is None:
        t = type(a)
        key = _KEY_OF_TYPE[id(t)] = _key_rule(t)
        weakref.finalize(t, _KEY_OF_TYPE.pop, id(t), None)
    return key(a)


def _key_rule(t: type) -> Callable[[Any], Hashable]:
    torch = sys.modules.get("torch")  # no tensor exists before torch is imported
    if torch is not None and issubclass(t, torch.Tensor):
        return lambda a: ("tensor", a.dtype, a.shape, a.stride(), a.device)
    if issubclass(t, bool):
        return lambda a: ("bool", bool(a))
    if issubclass(t, int):
        return lambda a: ("int", int(a))
    if issubclass(t, float):
        return lambda a: ("float",)
    if issubclass(t, types.FunctionType):
        return _function_key
    return _object_key


def _function_key(a: types.FunctionType) -> Hashable:
    # inlined into the kernel: its code and what it captures decide the kernel; the
    # captured tensors' data is read through the function at each call
    cells = tuple(_captured_key(_cell(c)) for c in a.__closure__ or ())
    defaults = tuple(_captured_key(d) for d in a.__defaults__ or ())
    return ("fn", a.__code__, cells, defaults)


def _object_key(a: Any) -> Hashable:
    try:
        hash(a)
        return ("obj", type(a), a)
    except TypeError:
        return ("obj", type(a), id(a))


# by the type's id, each entry dropped with its type: a type made on the fly (a class
# per call) is not kept alive, and a lookup costs no weak reference
_KEY_OF_TYPE: dict[int, Callable[[Any], Hashable]] = {}


class Kernel:
    """A kernel function: compiled per argument specialization, run with a config."""

    def __init__(
        self,
        fn: Callable[..., Any],
        *,
        config: Config | Mapping[str, Any] | None = None,
        configs: Sequence[Config | Mapping[str, Any]] | None = None,
        settings: Settings | None = None,
    ):
        if config is not None and configs is not None:
            raise exc.InvalidConfig("give either config= or configs=, not both")
        self.fn = fn
        self.settings = settings or Settings()
        self.configs = [Config(c) for c in ([config] if config is not None else configs or [])]
        self._bound: dict[Hashable, BoundKernel] = {}
        self._tuned: dict[Hashable, Config] = {}  # shape bucket -> its tuned config
        self._source: Any = None
        functools.update_wrapper(self, fn)  # type: ignore[arg-type]

    @property
    def source(self) -> Any:
        if self._source is None:
            from helion_mlir.frontend.source import KernelSource

            self._source = KernelSource(self.fn)
        return self._source

    def specialization_key(self, args: Sequence[Any]) -> Hashable:
        constexpr = self.source.constexpr_params
        if not constexpr:  # computed at every call: the common case kept short
            return tuple(map(_arg_key, args))
        return tuple(
            ("constexpr", a) if p in constexpr else _arg_key(a)
            for p, a in zip(self.source.params, args)
        )

    @user_facing
    def bind(self, args: Sequence[Any]) -> BoundKernel:
        """The kernel compiled for the shapes, dtypes and devices of `args` (all of the
        kernel's parameters, in order; see `normalize_args` for calls with defaults)."""
        args = tuple(args)
        if len(args) < len(self.source.params):  # the rest from the defaults
            args = self.normalize_args(args, {})
        args = _unwrap_constexpr(args)
        self._check_arity(args)
        return self._bind(args)

    def _bind(self, args: tuple[Any, ...]) -> BoundKernel:
        """`bind` of arguments already normalized and unwrapped."""
        key = self.specialization_key(args)
        bound = self._bound.get(key)
        if bound is None or not bound.guards.hold():  # a global or closure constant changed
            bound = self._bound[key] = BoundKernel(self, args, key)
            if not self.settings.static_shapes:
                bound.adopt(self._tuned.get(self.bucket_key(args)))
        return bound

    def bucket_key(self, args: Sequence[Any]) -> Hashable:
        """The specialization key with each tensor size cut to 0, 1 or more (for
        `static_shapes=False`, where one tuned config serves a bucket)."""
        return tuple(
            ("tensor", k[1], tuple(min(d, 2) for d in k[2]), k[4]) if k[0] == "tensor" else k
            for k in map(_arg_key, args)
        )

    def _check_arity(self, args: Sequence[Any]) -> None:
        params = self.source.params
        if len(args) != len(params):
            plural = "argument" if len(params) == 1 else "arguments"
            raise exc.InvalidArgument(
                f"{self.source.name}() takes {len(params)} {plural} ({', '.join(params)}) "
                f"but got {len(args)}"
            )

    def normalize_args(self, args: Sequence[Any], kwargs: Mapping[str, Any]) -> tuple[Any, ...]:
        """Positional values of every parameter, from a call with keywords and defaults."""
        try:
            bound = inspect.signature(self.fn).bind(*args, **kwargs)
        except TypeError as e:
            params = ", ".join(self.source.params)
            raise exc.InvalidArgument(
                f"{self.source.name}() takes ({params}) but got {len(args)} positional "
                f"argument{'s' if len(args) != 1 else ''}"
                f"{' and keywords ' + ', '.join(kwargs) if kwargs else ''}: {e}"
            ) from None
        bound.apply_defaults()
        return tuple(bound.arguments[p] for p in self.source.params)

    @user_facing
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs or len(args) != len(self.source.params):
            args = self.normalize_args(args, kwargs)
        args = _unwrap_constexpr(args)
        return self._bind(args)._call(args)

    @user_facing
    def autotune(self, args: Sequence[Any], *, force: bool = False) -> Config:
        """Tune the specialization of `args` now (see `BoundKernel.autotune`)."""
        args = tuple(args)
        return self.bind(args).autotune(args, force=force)

    def reset(self) -> None:
        """Forget every compiled specialization."""
        self._bound.clear()


class BoundKernel:
    """A kernel specialized to one set of argument shapes, dtypes and devices."""

    def __init__(self, kernel: Kernel, args: Sequence[Any], key: Hashable):
        from helion_mlir import frontend, target
        from helion_mlir.passes import pipelines
        from helion_mlir.runtime import loader
        from helion_mlir.tuner.config_spec import ConfigSpec

        self.kernel = kernel
        self._key = key  # `kernel.specialization_key(args)`
        self._tensor_device = _device_of(args)
        self.device = self._tensor_device.type
        loader.use_triton(interpret=self.device == "cpu")
        with compiler_step("compiling the kernel"):
            fe = frontend.build(kernel.source, args)
            self.module = fe.module
            self._host = fe.host
            self._sources = fe.sources
            self.guards = fe.guards
            self._block_size_vars = fe.block_size_vars
            self.target = target.current(self.device)
            self._stages = pipelines.lower_config_free(
                self.module, self.target.spec(), kernel.settings.emulate_precision_casts
            )
            self.config_spec: ConfigSpec = ConfigSpec.from_module(self.module)
        # tunables the host code computes with: the module above is for their defaults;
        # other values compile their own (from meta copies of the arguments)
        self._host_tunables = fe.host_tunables
        self._modules: dict[tuple[Any, ...], Any] = {}
        if self._host_tunables:
            self._modules[tuple(fe.host_values.values())] = self.module
            self._meta_args = [_meta(a) for a in args]
            self.config_spec = self.config_spec.with_tunables(self._host_tunables.values())
        self._compiled: dict[str, Callable[..., Any]] = {}
        self._sources_by_config: dict[str, str] = {}
        self._per_thread_by_config: dict[str, float] = {}
        self._config: Config | None = None
        self._run: Callable[..., Any] | None = None  # the host function of `_config`

    # -- configs ---------------------------------------------------------------------

    @user_facing
    def normalize(self, config: Config | Mapping[str, Any] | None) -> Config:
        """`config` checked against this kernel's space and completed with defaults."""
        if config is None:
            return self.config_spec.default_config()
        return Config(self.config_spec.normalize(dict(config)))

    def _resolve(self, config: Config | Mapping[str, Any] | None) -> Config:
        """`config` normalized; None is the config this kernel runs."""
        return self.config if config is None else self.normalize(config)

    @user_facing
    def set_config(self, config: Config | Mapping[str, Any]) -> None:
        """Run this config from now on."""
        self._use(self.normalize(config))

    @property
    def config(self) -> Config:
        if self._config is None:
            configs = self.kernel.configs
            self._use(self.normalize(configs[0] if configs else None))
        assert self._config is not None
        return self._config

    def _use(self, config: Config) -> Config:
        """Make `config` the one calls run (the host function is found on the next call)."""
        self._config, self._run = config, None
        return config

    # -- IR and code -------------------------------------------------------------------

    @user_facing
    def ir(self, stage: str = "mem", config: Config | Mapping[str, Any] | None = None) -> str:
        """The kernel's IR after `stage`: one of `frontend`, "tile", "loop", "mem", "triton"."""
        if stage == "triton":
            return str(self._bind(self._resolve(config)))
        if stage not in self._stages:
            raise exc.InvalidArgument(
                f"unknown IR stage {stage!r}; choose one of {', '.join([*self._stages, 'triton'])}"
            )
        return str(self._stages[stage])

    def _bind(self, config: Config) -> Any:
        from helion_mlir.passes import pipelines

        return pipelines.bind(self._module_for(config), dict(config))

    def _module_for(self, config: Config) -> Any:
        """The config-free module for the values `config` gives host-read tunables."""
        if not self._host_tunables:
            return self.module
        values = {name: config[name] for name in self._host_tunables}
        key = tuple(values.values())
        if key not in self._modules:
            from helion_mlir import frontend
            from helion_mlir.passes import pipelines

            with compiler_step("compiling the kernel"):
                module = frontend.build(self.kernel.source, self._meta_args, values).module
                pipelines.lower_config_free(
                    module, self.target.spec(), self.kernel.settings.emulate_precision_casts
                )
            self._modules[key] = module
        return self._modules[key]

    def kernel_source(self, config: Config) -> str:
        """The generated module (Triton kernel and launcher) of a normalized config."""
        return self._kernel_source(config)

    def kernel_identity(self, config: Config) -> tuple[str, str]:
        """What running a normalized config depends on: its generated module and the
        config values the host code reads. Configs alike in it run the same code."""
        host = [config["block_sizes"][: self._block_size_vars]]
        host += [config[name] for name in self._host_tunables]
        return self._kernel_source(config), repr(host)

    @property
    def launcher_name(self) -> str:
        return self._launcher_name

    def host_function(self, launcher: Callable[..., Any]) -> Callable[..., Any]:
        """The kernel's host code around `launcher` in place of the launch."""
        return self._host.wrapper(self._sources)(launcher)

    def elements_per_thread(self, config: Config) -> float:
        """The most elements a thread holds of one register tile of a normalized
        config: past a few hundred, the kernel can only spill (and its compile can take
        minutes), which the tuner uses to skip it."""
        self._kernel_source(config)
        return self._per_thread_by_config[config.to_json()]

    def _kernel_source(self, config: Config) -> str:
        from helion_mlir.backends.emit import emit

        key = config.to_json()
        source = self._sources_by_config.get(key)
        if source is None:
            with compiler_step("generating Triton code"):
                bound = self._bind(config)
                source = self._sources_by_config[key] = emit(bound)
            threads = 32 * int(config["num_warps"])
            self._per_thread_by_config[key] = _largest_tile(bound) / threads
        return source

    @user_facing
    def to_triton_code(self, config: Config | Mapping[str, Any] | None = None) -> str:
        """The generated module for `config`: the Triton kernel, its launcher, and the
        host function that runs the user's host code around the launch (None: the
        config this kernel runs)."""
        config = self._resolve(config)
        return f"{self._kernel_source(config)}\n\n{self._host_source}\n"

    @functools.cached_property
    def _host_source(self) -> str:
        return self._host.wrapper_source(self._sources, self._launcher_name)

    @property
    def _launcher_name(self) -> str:
        return f"launch_{self.kernel.source.name}"

    # -- running ---------------------------------------------------------------------

    @user_facing
    def compile_config(
        self, config: Config | Mapping[str, Any] | None = None
    ) -> Callable[..., Any]:
        """The host function running the kernel with `config` on arguments of this
        specialization (compiled once per config; None: the config this kernel runs)."""
        return self._host_functions(self._resolve(config))[1]

    def _host_functions(self, config: Config) -> tuple[Callable[..., Any], Callable[..., Any]]:
        """The host function of a normalized config: as is, for calls whose arguments
        are known to be of this specialization, and checking that they are."""
        from helion_mlir.runtime import loader

        key = config.to_json()
        fns = self._compiled.get(key)
        if fns is None:
            source = self._kernel_source(config)
            if self.kernel.settings.print_output_code:
                print(source, file=sys.stderr)
            loader.use_triton(interpret=self.device == "cpu")
            module = loader.load(source)
            launcher = self._checking_devices(getattr(module, self._launcher_name))
            if self.device == "cpu":
                launcher = _reporting_failed_asserts(launcher)
            fn = self._host.wrapper(self._sources)(launcher)
            if self._block_size_vars:  # host code reads the config's block sizes
                fn = _with_block_sizes(fn, list(config["block_sizes"][: self._block_size_vars]))
            if self._host_tunables:  # and computes with the config's tunables
                fn = _with_tunables(fn, {name: config[name] for name in self._host_tunables})
            fns = self._compiled[key] = (fn, self._checking_args(fn))
        return fns

    def _checking_args(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """`fn` refusing arguments of another specialization."""

        params = len(self.kernel.source.params)

        @user_facing
        def run(*args: Any, **kwargs: Any) -> Any:
            if kwargs or len(args) != params:  # defaults and keywords, as a call takes them
                args = self.kernel.normalize_args(args, kwargs)
            args = _unwrap_constexpr(args)
            self._check_specialization(args)
            return fn(*args)

        return run

    def _check_specialization(self, args: tuple[Any, ...]) -> None:
        """The code has this specialization's sizes (and dtypes, strides, constants)
        built in: run on other arguments, it would compute part of the output, or
        garbage, without a word."""
        self.kernel._check_arity(args)
        key = self.kernel.specialization_key(args)
        if key != self._key:
            param, bound, got = next(
                (p, b, g) for p, b, g in zip(self.kernel.source.params, self._key, key) if b != g
            )
            raise exc.InvalidArgument(
                f"{self.kernel.source.name}() was bound to {param} = {_describe(bound)}, but "
                f"is called with {_describe(got)}; its code only fits the arguments it was "
                "bound to: bind these arguments (`kernel.bind(args)`), or call the kernel "
                "itself, which picks the specialization of each call"
            )
        if not self.guards.hold():
            raise exc.InvalidArgument(
                f"a global or closure constant {self.kernel.source.name}() reads changed "
                "since it was bound, and the code has the old value built in: bind the "
                "arguments again, or call the kernel itself, which recompiles"
            )

    def _checking_devices(self, launcher: Callable[..., Any]) -> Callable[..., Any]:
        """`launcher` refusing tensors the host code made on another device than the
        arguments' (`torch.empty(n)`, on the CPU, for a CUDA kernel), on which Triton
        fails with an unrelated error or reads through a pointer of the wrong device."""
        made = self._host_made
        if not made:
            return launcher
        device = self._tensor_device

        def launch(*values: Any) -> Any:
            for i in made:
                if getattr(values[i], "device", device) != device:
                    raise self._wrong_device(self._sources[i], values[i].device)
            return launcher(*values)

        return launch

    @functools.cached_property
    def _host_made(self) -> tuple[int, ...]:
        """The positions of the launcher's arguments other than the call's own (whose
        devices the specialization key has matched): a parameter stays the call's own
        unless the host code assigns it."""
        from helion_mlir.frontend.host import names_written

        own = set(self.kernel.source.params) - names_written(self._host.prefix)
        return tuple(i for i, source in enumerate(self._sources) if source not in own)

    def _wrong_device(self, source: str, device: Any) -> exc.InvalidArgument:
        name = self.kernel.source.name
        return exc.InvalidArgument(
            f"the tensor `{source}`, which the device code of {name}() uses, is on {device}, "
            f"but {name}() runs on {self._tensor_device}, its tensor arguments' device: "
            "create it there (`device=x.device` for an argument x, or `torch.empty_like(x)`)",
            self.kernel.source.location(self._host.loops[0]),
        )

    @user_facing
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs or len(args) != len(self.kernel.source.params):
            args = self.kernel.normalize_args(args, kwargs)
        args = _unwrap_constexpr(args)
        self._check_specialization(args)
        return self._call(args)

    def _call(self, args: tuple[Any, ...]) -> Any:
        """A call with arguments already normalized, unwrapped and of this
        specialization."""
        run = self._run
        if run is None:  # the first call, or the config changed
            if self._config is None and self._should_tune():
                self.autotune(args)
            run = self._run = self._host_functions(self.config)[0]
        return run(*args)

    # -- tuning -----------------------------------------------------------------------

    def _should_tune(self) -> bool:
        """Several given configs are always raced; with none, the effort decides."""
        n = len(self.kernel.configs)
        return n >= 2 or (n == 0 and self.kernel.settings.effort(self.device) != "none")

    @user_facing
    def autotune(self, args: Sequence[Any], *, force: bool = False) -> Config:
        """Find the best config on `args` (from the disk cache unless `force`), print
        it, and run it from now on."""
        from helion_mlir.tuner.autotune import autotune

        settings = self.kernel.settings
        if force:
            settings = settings.replace(force_autotune=True)
        args = _unwrap_constexpr(tuple(args))
        self._check_specialization(args)
        config = self._use(autotune(self, args, settings))
        if not settings.static_shapes:
            self.kernel._tuned[self.kernel.bucket_key(args)] = config
        return config

    def adopt(self, config: Config | None) -> None:
        """Run `config`, tuned for another shape of this bucket, when it fits this one."""
        if config is None:
            return
        try:
            self._use(self.normalize(config))
        except exc.InvalidConfig:
            pass  # a key this shape lacks: this shape tunes for itself


def _with_block_sizes(fn: Callable[..., Any], values: list[int]) -> Callable[..., Any]:
    """`fn` with `hl.register_block_size` giving `values` (registered block sizes come
    first in `block_sizes`, in registration order) while its host code runs."""
    from helion_mlir.language import RUNTIME_BLOCK_SIZES

    return _while_set(fn, RUNTIME_BLOCK_SIZES, lambda: iter(values))


def _with_tunables(fn: Callable[..., Any], values: dict[str, Any]) -> Callable[..., Any]:
    """`fn` with host arithmetic on tunables reading `values` while its host code runs."""
    from helion_mlir.language import HOST_TUNABLES, HostTunables

    return _while_set(fn, HOST_TUNABLES, lambda: HostTunables(dict(values)))


def _while_set(
    fn: Callable[..., Any], var: ContextVar[Any], make: Callable[[], Any]
) -> Callable[..., Any]:
    """`fn` with `var` set to a fresh `make()` during each call."""

    def run(*args: Any) -> Any:
        token = var.set(make())
        try:
            return fn(*args)
        finally:
            var.reset(token)

    return run


def _describe(key: Hashable) -> str:
    """An argument's specialization key (`_arg_key`) in words."""
    kind, *facts = key  # type: ignore[misc]
    if kind == "tensor":
        dtype, shape, stride, device = facts
        return f"a {dtype} tensor of shape {list(shape)} (strides {list(stride)}) on {device}"
    if kind == "fn":
        return f"function {facts[0].co_name} with the values it captures"
    if kind == "float":
        return "a float"
    if kind == "obj":
        return f"a {facts[0].__name__}"
    return repr(facts[0])  # a value specialized on: int, bool, constexpr


def _meta(arg: Any) -> Any:
    import torch

    return arg.to("meta") if isinstance(arg, torch.Tensor) else arg


def _device_of(args: Sequence[Any]) -> Any:
    """The one device (`torch.device`, with its index) of the tensor arguments."""
    import torch

    devices = {a.device for a in args if isinstance(a, torch.Tensor)}
    if not devices:
        nested = any(
            isinstance(a, list | tuple) and any(isinstance(t, torch.Tensor) for t in a)
            for a in args
        )
        raise exc.InvalidArgument(
            "tensors inside a list or tuple argument are not kernel arguments; pass each "
            "tensor as an argument of its own"
            if nested
            else "a kernel needs at least one tensor argument"
        )
    if len(devices) > 1:
        raise exc.InvalidArgument(
            f"all tensor arguments must be on one device, got {', '.join(sorted(map(str, devices)))}"
        )
    device = devices.pop()
    if device.type not in ("cpu", "cuda"):
        raise exc.InvalidArgument(f"tensors on {device.type!r} are not supported; use cuda or cpu")
    if device.type == "cuda" and not torch.cuda.is_available():
        raise exc.InvalidArgument(
            "the tensors are on cuda, but this PyTorch sees no CUDA device; pass CPU tensors "
            "(they run through Triton's interpreter) or use a machine with a GPU"
        )
    return device


@overload
def kernel(fn: Callable[..., Any], /) -> Kernel: ...


@overload
def kernel(
    fn: None = None,
    /,
    *,
    config: Config | Mapping[str, Any] | None = None,
    configs: Sequence[Config | Mapping[str, Any]] | None = None,
    settings: Settings | None = None,
    **setting_values: Any,
) -> Callable[[Callable[..., Any]], Kernel]: ...


def kernel(
    fn: Callable[..., Any] | None = None,
    /,
    *,
    config: Config | Mapping[str, Any] | None = None,
    configs: Sequence[Config | Mapping[str, Any]] | None = None,
    settings: Settings | None = None,
    **setting_values: Any,
) -> Kernel | Callable[[Callable[..., Any]], Kernel]:
    """Decorate a function as a kernel: `@kernel`, or `@kernel(config=..., **settings)`."""
    unknown = set(setting_values) - Settings.names()
    if unknown:
        raise exc.InvalidArgument(
            f"unknown kernel settings {sorted(unknown)}; known ones are {sorted(Settings.names())}"
        )
    if settings is not None and setting_values:
        raise exc.InvalidArgument("pass either settings= or individual settings, not both")
    chosen = settings or Settings().replace(**setting_values)

    def wrap(f: Callable[..., Any]) -> Kernel:
        if isinstance(f, Kernel):
            raise exc.InvalidArgument("this function is already a kernel")
        return Kernel(f, config=config, configs=configs, settings=chosen)

    return wrap(fn) if fn is not None else wrap


jit = kernel


def _largest_tile(module: Any) -> int:
    """The most elements of one tensor value in a bound (`triton` stage) module."""
    from xdsl.dialects.builtin import TensorType

    return max(
        (
            math.prod(r.type.get_shape())
            for op in module.walk()
            for r in op.results
            if isinstance(r.type, TensorType)
        ),
        default=1,
    )
