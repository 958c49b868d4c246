"""`helion-opt`: run any helion_mlir pass pipeline on any IR file.

xdsl-opt with our dialects, passes and the `triton` target, plus:

* `--print-ir-after-all` prints the IR after every pass (to stderr);
* `--config JSON` (or `--config-file PATH`) gives the config that `-t triton` binds
  when the input still has config slots (the default config otherwise);
* `--print-config-space` prints the search space as a table instead of IR;
* malformed input or a failing pass ends with a diagnostic naming line and column (or
  the op) and exit status 1, never a Python traceback; so does a bad `-p` pipeline
  (unknown pass or option, malformed spec) or `--device`, whatever the input.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import IO

from xdsl.context import Context
from xdsl.dialects.builtin import FileLineColLoc, IntAttr, ModuleOp, StringAttr, UnknownLoc
from xdsl.ir import Operation
from xdsl.parser import Parser
from xdsl.passes import ModulePass, PassPipeline
from xdsl.printer import Printer
from xdsl.utils.arg_spec import ArgSpec, parse_pipeline
from xdsl.utils.exceptions import (
    ArgSpecParseError,
    DiagnosticException,
    ParseError,
    VerifyException,
)
from xdsl.utils.mlir_lexer import MLIRLexer
from xdsl.utils.target import Target
from xdsl.xdsl_opt_main import xDSLOptMain

from helion_mlir import exc
from helion_mlir.dialects import get_all_dialects
from helion_mlir.passes import get_all_passes
from helion_mlir.target import TargetInfo


class HelionOptMain(xDSLOptMain):
    version_format = "helion-opt built from xdsl version {xdsl_version}"

    def register_all_dialects(self) -> None:
        super().register_all_dialects()
        for name, factory in get_all_dialects().items():
            if name not in self.ctx.registered_dialect_names:
                self.ctx.register_dialect(name, factory)

    def register_all_frontends(self) -> None:
        super().register_all_frontends()

        def parse_mlir(io: IO[bytes]) -> ModuleOp:
            parser = LocatingParser(self.ctx, io.read(), self.get_input_name())
            # --verify-diagnostics prints verifier messages as they are, without a place
            parser.locate_verify_errors = not self.args.verify_diagnostics
            return parser.parse_module(not self.args.no_implicit_module)

        self.available_frontends["mlir"] = parse_mlir

    def parse_chunk(self, chunk: IO[bytes], file_extension: str, start_offset: int = 0):
        module = super().parse_chunk(chunk, file_extension, start_offset)
        if module is not None and not (self.args.verify_diagnostics or self.args.disable_verify):
            verify_located(module)
        return module

    def register_all_passes(self) -> None:
        super().register_all_passes()
        for name, factory in get_all_passes().items():
            self.register_pass(name, factory)

    def register_all_targets(self) -> None:
        super().register_all_targets()

        def triton_target() -> type[Target]:
            from helion_mlir.backends.triton.target import TritonTarget

            given = self.args.config
            if self.args.config_file:
                with open(self.args.config_file) as f:
                    given = f.read()

            @dataclass(frozen=True)
            class ConfiguredTritonTarget(TritonTarget):
                config: str = given
                device: str = self.args.device

            return ConfiguredTritonTarget

        self.available_targets["triton"] = triton_target

        def config_space_target() -> type[Target]:
            @dataclass(frozen=True)
            class ConfiguredSpaceTarget(ConfigSpaceTarget):
                device: str = self.args.device

            return ConfiguredSpaceTarget

        self.available_targets["config-space"] = config_space_target

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser) -> None:
        super().register_all_arguments(arg_parser)
        arg_parser.add_argument(
            "--print-ir-after-all",
            action="store_true",
            help="print the IR after every pass, to stderr",
        )
        arg_parser.add_argument(
            "--config",
            default="",
            help="config as JSON for -t triton, e.g. '{\"block_sizes\": [64]}'",
        )
        arg_parser.add_argument(
            "--config-file", default="", help="read the -t triton config from this JSON file"
        )
        arg_parser.add_argument(
            "--device",
            default="cpu",
            help="device that -t triton and the config space are for: cpu (the Triton "
            "interpreter) or cuda:<capability>:<sms>, e.g. cuda:90:132 for an H100; append "
            ":no-block-ptr for a Triton without block pointers (3.9 and newer), then "
            ":no-gluon for one without Triton 3.6's Gluon (no warp-specialized schedule on "
            "Hopper)",
        )
        arg_parser.add_argument(
            "--print-config-space",
            action="store_true",
            help="print the search space (key, owner, domain, default) instead of the IR",
        )

    def setup_pipeline(self) -> None:
        # xDSL runs this from __init__, before run()'s error handling: bad flags are
        # reported here, whether or not this input would ever read them
        _check_device(self.args.device)
        _check_pipeline(self.args.passes, self.available_passes)
        super().setup_pipeline()
        if self.args.print_config_space:
            self.args.target = "config-space"
        if not self.args.print_ir_after_all:
            return
        inner = self.pipeline.callback

        def callback(prev: ModulePass | None, module, nxt: ModulePass | None) -> None:
            if inner is not None:
                inner(prev, module, nxt)
            if prev is not None:
                print(f"// -----// IR Dump After {prev.name} //----- //", file=sys.stderr)
                Printer(stream=sys.stderr).print_op(module)
                print(file=sys.stderr)

        self.pipeline = PassPipeline(self.pipeline.passes, callback)

    def run(self) -> None:
        try:
            super().run()
        except (DiagnosticException, ParseError, VerifyException, exc.HelionError) as e:
            _fail(str(e))
        except json.JSONDecodeError as e:
            _fail(f"--config is not valid JSON: {e}")
        except OSError as e:
            _fail(str(e))
        except Exception as e:
            if os.environ.get("HELION_MLIR_DEBUG"):
                raise
            _fail(
                f"internal error ({type(e).__name__}: {e}); this is a bug in helion_mlir, "
                "set HELION_MLIR_DEBUG=1 for the traceback and please report it"
            )


# xDSL 0.74 lexes a string literal with `"(?:[^"...]+|escape)*"`: on a quote that is never
# closed the nested repetition backtracks exponentially, and a line of 70 characters
# hangs the parser. One character per repetition matches the same strings in linear time.
MLIRLexer._unescaped_characters_regex = re.compile(
    r'"(?:[^"\\\n\v\f]|\\(?:["nt\\]|[0-9A-Fa-f]{2}))*"'
)


class LocatingParser(Parser):
    """A parser that records where each op starts, so errors can name line and column."""

    locate_verify_errors = True

    def parse_operation(self) -> Operation:
        start = self._current_token.span
        try:
            op = super().parse_operation()
        except VerifyException as e:  # an operand or result type its op does not take
            if not self.locate_verify_errors:
                raise
            raise ParseError(start, str(e)) from None
        if isinstance(op.location, UnknownLoc):
            where = start.get_location()
            op.location = FileLineColLoc(
                StringAttr(str(where.file)), IntAttr(where.line), IntAttr(int(where.col))
            )
        return op


def verify_located(module: ModuleOp) -> None:
    """Verify `module`; on failure, name the innermost bad op and where it is."""
    try:
        module.verify()
    except VerifyException as error:
        for op in module.walk(reverse=True):
            try:
                op.verify(verify_nested_ops=False)
            except VerifyException as e:
                loc = op.location
                if not isinstance(loc, FileLineColLoc):  # an implicit module: where it starts
                    loc = next(
                        (o.location for o in op.walk() if isinstance(o.location, FileLineColLoc)),
                        loc,
                    )
                where = (
                    f"{loc.filename.data}:{loc.line.data}:{loc.column.data}: "
                    if isinstance(loc, FileLineColLoc)
                    else ""
                )
                raise VerifyException(f"{where}'{op.name}' op {e}") from None
        raise error


@dataclass(frozen=True)
class ConfigSpaceTarget(Target):
    """Prints the module's search space as a table: key, owner, domain, default."""

    name = "config-space"

    device: str = "cpu"

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        from helion_mlir.passes import pipelines
        from helion_mlir.tuner.config_spec import ConfigSpec

        module = module.clone()
        pipelines.lower_to_mem(module, self.device)
        output.write(ConfigSpec.from_module(module).table() + "\n")


def _check_device(device: str) -> None:
    try:
        TargetInfo.parse(device)
    except exc.InvalidArgument as e:
        _fail(str(e))


def _check_pipeline(spec: str, passes: dict[str, Callable[[], type[ModulePass]]]) -> None:
    """Fail on a `-p` pipeline xDSL would reject with a traceback."""
    try:
        specs = list(parse_pipeline(spec))
    except ArgSpecParseError as e:
        where = str(e).removeprefix("Error parsing pass pipeline specification:\n").rstrip()
        _fail(
            f"malformed pass pipeline at {where}\nwrite passes separated by commas, each "
            "as name or name{option=value ...}, quoting a value that is not a plain word "
            'or number, e.g. convert-tile-to-loop{target="cuda:90:132"}'
        )
    for pass_spec in specs:
        if pass_spec.name not in passes:
            _fail(_unknown_pass(pass_spec.name, passes))
        _check_options(passes[pass_spec.name](), pass_spec)


def _unknown_pass(name: str, passes: dict[str, Callable[[], type[ModulePass]]]) -> str:
    close = difflib.get_close_matches(name, passes, n=3)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    return f"unknown pass '{name}'; {hint}helion-opt --help lists every pass (under -p)"


def _check_options(pass_type: type[ModulePass], pass_spec: ArgSpec) -> None:
    known = [f.name for f in fields(pass_type) if f.init]
    takes = f"its options are {', '.join(known)}" if known else "it takes no options"
    for option in pass_spec.normalize_parameter_names().parameters:
        if option not in known:
            _fail(f"pass {pass_type.name} has no option '{option}'; {takes}")
    try:
        pass_type.from_pass_spec(pass_spec)
    except ValueError as e:
        _fail(f"pass {pass_type.name}: bad option value ({e}); {takes}")


def _fail(message: str) -> None:
    print(f"helion-opt: error: {message}", file=sys.stderr)
    sys.exit(1)


def main(argv: Sequence[str] | None = None) -> None:
    try:
        HelionOptMain(args=argv).run()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
