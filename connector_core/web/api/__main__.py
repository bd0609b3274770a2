"""`python -m connector_core.web.api > docs/openapi.json`: print the API's OpenAPI description (for code
generators and readers who do not run the app; a test keeps the checked-in copy current)."""

from __future__ import annotations

import json

from . import openapi_document

if __name__ == "__main__":
    print(json.dumps(openapi_document(), indent=2, sort_keys=True))
