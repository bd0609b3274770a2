"""The pluggy markers of the hook contract: `hookspec` declares a hook, `hookimpl` implements one."""

from __future__ import annotations

import pluggy

PROJECT_NAME = "connector_core"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
