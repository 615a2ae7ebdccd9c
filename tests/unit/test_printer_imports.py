"""The printers package stays free of the hub's web stack."""

from __future__ import annotations

import subprocess
import sys


def test_printers_package_imports_neither_flask_nor_flask_socketio() -> None:
    # GIVEN a fresh interpreter, as on a kiosk PC running only the print agent
    code = (
        "import sys, pkgutil, importlib, printers\n"
        "for module in pkgutil.iter_modules(printers.__path__):\n"
        "    importlib.import_module('printers.' + module.name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'flask_socketio')))\n"
    )
    # WHEN every printers module is imported
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    # THEN neither Flask nor Flask-SocketIO was loaded
    assert result.stdout.strip() == "[]"
