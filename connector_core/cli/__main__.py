"""`python -m connector_core.cli`: the same as the `channel-connectors` console script."""

import sys

from .app import main

sys.exit(main())
