"""Print who may call each API operation, for docs/SECURITY.md (from the enforced rules)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.api.openapi import callers_table

if __name__ == "__main__":
    print(callers_table())
