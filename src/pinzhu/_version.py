"""pinzhu's version, in a module of its own so the CLI and server need not import the package's ``__init__``."""

__version__ = "0.1.0"
