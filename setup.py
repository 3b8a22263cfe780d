"""Only the C extensions live here (segmentation, model scores, strip's scan); everything else is in pyproject.toml.

The extensions are optional at build time: where no C compiler is available the package installs
without them; pinzhu.segment falls back to its pure-Python twin and pinzhu.model to numpy (same
results, slower).
"""
import os

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    def run(self):
        try:
            super().run()
        except Exception as exc:  # no compiler: install the pure-Python engine
            if os.environ.get("PINZHU_REQUIRE_EXTENSION"):
                raise
            print(f"pinzhu: C extension not built ({exc}); using the pure-Python engine")

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:
            if os.environ.get("PINZHU_REQUIRE_EXTENSION"):
                raise
            print(f"pinzhu: C extension not built ({exc}); using the pure-Python engine")


setup(
    ext_modules=[Extension("pinzhu._segcore", ["src/pinzhu/_segcore.c"], depends=["src/pinzhu/_modelcore.h"],
                           extra_compile_args=["-O3"]),
                 Extension("pinzhu._modelcore", ["src/pinzhu/_modelcore.c"], depends=["src/pinzhu/_modelcore.h"],
                           extra_compile_args=["-O3"]),
                 Extension("pinzhu._parsecore", ["src/pinzhu/_parsecore.c"], extra_compile_args=["-O3"])],
    cmdclass={"build_ext": OptionalBuildExt},
)
