"""Helpers for the web tests: the recording sink, the `Web` world, signed deliveries."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.testclient import TestClient

from connector_core import Integrations, OffsetClock, WebhookEvent
from tiktok_shop_emulator import TikTokShopEmulator, webhook_signature

BASE_URL = "http://testserver"
ADMIN_TOKEN = "admin-token-for-tests-0123456789"


@dataclass
class RecordingSink:
    """The `WorkSink` seam as a test sees it: what the web layer handed over, in order."""

    events: list[tuple[str, list[WebhookEvent]]] = field(default_factory=list)
    pulls: list[str] = field(default_factory=list)

    def webhook_events(self, integration_id: str, events: Sequence[WebhookEvent]) -> None:
        self.events.append((integration_id, list(events)))

    def pull_now(self, integration_id: str) -> None:
        self.pulls.append(integration_id)


@dataclass
class Web:
    emu: TikTokShopEmulator
    integrations: Integrations
    clock: OffsetClock
    sink: RecordingSink
    client: TestClient
    integration_id: str

    def connect(self, integration_id: str | None = None) -> None:
        """Run Connect through the app's own callback route, as a seller's browser would."""
        integration = self.integrations.open(integration_id or self.integration_id)
        state = state_of(integration.begin_connect(f"{BASE_URL}/tiktok/auth/callback"))
        answer = self.client.get(
            "/tiktok/auth/callback", params={"code": self.emu.authorize(), "state": state}
        )
        assert answer.status_code == 200, answer.text
        # The emulator's seller has several shops: work on the first, as an operator would pick one.
        self.integrations.open(integration.id).select_account(self.shop_ids()[0])

    def shop_ids(self) -> list[str]:
        return [str(s["id"]) for s in self.emu.shops]

    def delivery(self, shop_id: str, *, event_type: int = 1, notification: str = "7327112393057379001",
                 order_id: str | None = None, **data: Any) -> tuple[bytes, dict[str, str]]:  # fmt: skip
        """A signed TikTok delivery for `shop_id`, signed with the emulator app's credentials."""
        order = order_id or self.emu.order_ids(shop_cipher=self.emu.shops[0]["cipher"])[0]
        payload = {
            "type": event_type,
            "tts_notification_id": notification,
            "shop_id": shop_id,
            "timestamp": int(time.time()),
            "data": {
                "order_id": order,
                "order_status": "AWAITING_SHIPMENT",
                "update_time": int(time.time()),
                **data,
            },
        }
        body = json.dumps(payload, separators=(",", ":")).encode()
        creds = self.emu.credentials
        return body, {"Authorization": webhook_signature(creds["app_key"], creds["app_secret"], body)}


def state_of(consent_url: str) -> str:
    """The `state` a consent URL carries."""
    return parse_qs(urlsplit(consent_url).query)["state"][0]
