"""Flask extensions shared by every app, attached in `create_app` (init_app pattern).

Flask-SocketIO is not here: each app gets its own `SocketIO`, so two apps in
one test process never share a server.
"""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
