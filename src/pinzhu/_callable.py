"""Modules callable as their main function: ``pinzhu.strip`` is the module ``pinzhu/strip.py``
(``import pinzhu.strip as m`` gives the module, as Python users expect) and
``pinzhu.strip(text)`` calls ``pinzhu.strip.strip``: the package re-exports without shadowing
its submodules by their functions.

>>> import pinzhu
>>> pinzhu.strip("这(zhè)是"), type(pinzhu.strip).__name__
('这是', 'CallableModule')
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any


class CallableModule(types.ModuleType):
    """A module whose call is its ``__wrapped__`` function (``inspect.signature`` follows it too)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.__wrapped__(*args, **kwargs)


def make_callable(module_name: str, fn: Callable[..., Any]) -> None:
    """Make the module ``module_name`` callable as ``fn``."""
    module = sys.modules[module_name]
    module.__class__ = CallableModule
    module.__wrapped__ = fn  # type: ignore[attr-defined]
