"""Installing the peers when missing: npm packages into benchmarks/node_modules, pip into this venv."""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1]


def _log(msg: str) -> None:
    print(f"[install] {msg}", file=sys.stderr, flush=True)


def _npm_pins() -> dict[str, str]:
    return json.loads((BENCH / "package.json").read_text(encoding="utf-8"))["dependencies"]


def _installed_npm_version(name: str) -> str | None:
    path = BENCH / "node_modules" / name / "package.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8")).get("version")


def ensure_npm_peers() -> None:
    pins = _npm_pins()
    stale = {n: v for n, v in pins.items() if _installed_npm_version(n) != v}
    if not stale:
        return
    _log(f"npm install --prefix {BENCH} ({', '.join(f'{n}@{v}' for n, v in stale.items())})")
    subprocess.run(["npm", "install", "--prefix", str(BENCH), "--no-audit", "--no-fund"],
                   check=True, stdout=sys.stderr)
    still = [n for n, v in pins.items() if _installed_npm_version(n) != v]
    if still:
        raise RuntimeError(f"npm did not install the pinned {still}")


def _requirements() -> list[tuple[str, str]]:
    """(distribution name, full requirement line) from benchmarks/requirements.txt."""
    reqs = []
    for line in (BENCH / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            reqs.append((re.split(r"[<>=!~\[; ]", line, maxsplit=1)[0], line))
    return reqs


def ensure_pip_peers() -> None:
    """pip-install requirements that are missing; a different installed version is kept (and
    reported in RESULTS.md) so the harness never downgrades what the project's own env needs."""
    missing = []
    for name, line in _requirements():
        try:
            importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(line)
    if not missing:
        return
    _log(f"pip install {' '.join(missing)}")
    subprocess.run([sys.executable, "-m", "pip", "install", *missing], check=True,
                   stdout=sys.stderr)
    importlib.invalidate_caches()


def check_g2pm_offline() -> None:
    """g2pM ships its weights in the wheel; loading and one call must work with no network."""
    from .systems import load_g2pm
    out = load_g2pm()("银行行长", char_split=True)
    if len(out) != 4:
        raise RuntimeError(f"g2pM smoke test gave {out!r}")


def ensure_peers() -> None:
    ensure_npm_peers()
    ensure_pip_peers()
    check_g2pm_offline()
