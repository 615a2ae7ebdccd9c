"""The domain imports nothing but the standard library; printers stay free of the web stack.

Read from the source (every ``import`` statement of every module, including
those inside functions and ``TYPE_CHECKING`` blocks), so a violation is found
even in a branch that never runs.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "core" / "domain"
PRINTERS = ROOT / "printers"
WEB_STACK = frozenset({"flask", "flask_socketio", "sqlalchemy"})


def imported_modules(source: str, module: str) -> list[str]:
    """Absolute names of every module `source` (the text of `module`) imports."""
    package = module.rpartition(".")[0]
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                names.append(node.module or "")
                continue
            base = package.split(".")
            base = base[: len(base) - (node.level - 1)]
            names.append(".".join([*base, node.module] if node.module else base))
    return names


def foreign_imports(source: str, module: str) -> list[str]:
    """Imports of `module` that are neither the standard library nor ``core.domain``."""
    allowed_stdlib = sys.stdlib_module_names | {"__future__"}
    return [
        name
        for name in imported_modules(source, module)
        if name.split(".")[0] not in allowed_stdlib
        and name != "core.domain"
        and not name.startswith("core.domain.")
    ]


def modules_under(folder: Path, package: str) -> dict[str, Path]:
    """Every module of a package folder, by dotted name."""
    found = {}
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(folder).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join((package, *parts))] = path
    return found


def test_the_checker_flags_frameworks_third_party_and_other_core_packages() -> None:
    # GIVEN a module that imports a framework, a third-party package, the ORM layer and the stdlib
    source = (
        "from __future__ import annotations\n"
        "import datetime, zoneinfo\n"
        "from typing import TYPE_CHECKING\n"
        "from core.domain.errors import Conflict\n"
        "from . import tickets\n"
        "if TYPE_CHECKING:\n"
        "    from sqlalchemy.orm import Session\n"
        "def later():\n"
        "    import flask_socketio\n"
        "import escpos.printer\n"
        "from ..adapters import orm\n"
    )
    # WHEN the checker reads it as core.domain.example
    found = foreign_imports(source, "core.domain.example")
    # THEN exactly the four foreign imports are reported, the stdlib and core.domain are not
    assert sorted(found) == ["core.adapters", "escpos.printer", "flask_socketio", "sqlalchemy.orm"]


def test_every_domain_module_imports_only_the_standard_library_and_the_domain() -> None:
    # GIVEN every module under core/domain (there are several, tickets and policy among them)
    modules = modules_under(DOMAIN, "core.domain")
    assert {"core.domain.tickets", "core.domain.policy", "core.domain.hallday"} <= set(modules)
    # WHEN their imports are read
    offenders = {
        name: foreign
        for name, path in modules.items()
        if (foreign := foreign_imports(path.read_text(encoding="utf-8"), name))
    }
    # THEN none imports flask, sqlalchemy, socketio, escpos or any other third-party package
    assert offenders == {}


@pytest.mark.parametrize("framework", sorted(WEB_STACK))
def test_the_printers_package_imports_no_web_stack(framework: str) -> None:
    # GIVEN every module of printers/, which also runs alone on a kiosk PC as the print agent
    modules = modules_under(PRINTERS, "printers")
    assert "printers.agent" in modules
    # WHEN their imports are read
    users = [
        name
        for name, path in modules.items()
        if any(
            imported.split(".")[0] == framework
            for imported in imported_modules(path.read_text(encoding="utf-8"), name)
        )
    ]
    # THEN none imports the framework directly
    assert users == []


def test_importing_every_printers_module_loads_no_sqlalchemy() -> None:
    # GIVEN a fresh interpreter, as on a kiosk PC (transitive imports count too)
    code = (
        "import sys, pkgutil, importlib, printers\n"
        "for module in pkgutil.iter_modules(printers.__path__):\n"
        "    importlib.import_module('printers.' + module.name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'flask'}))\n"
    )
    # WHEN every printers module is imported
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=ROOT,
    )
    # THEN neither the ORM nor Flask was loaded along the way
    assert result.stdout.strip() == "[]"
