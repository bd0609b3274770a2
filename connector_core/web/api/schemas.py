"""The JSON Schemas of what the API takes and answers (OpenAPI 3.1 components, JSON Schema 2020-12).

The shapes of stock levels, shipments and connection checks come from the framework's own models, so the
document cannot drift from what the API validates; the rest are written here beside `..facts`, which
builds those answers, and the API tests check real answers against them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ...models import ConnectionCheck, Shipment, StockLevel
from ...pull_interval import MAX_SECONDS, MIN_SECONDS
from ..facts import STATES

REF = "#/components/schemas/{model}"


def ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(model=name)}


def _obj(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


def _items(name: str) -> dict[str, Any]:
    return _obj(["items"], items={"type": "array", "items": ref(name)})


STR = {"type": "string"}
OPT_STR = {"type": ["string", "null"]}
TIME = {"type": ["string", "null"], "format": "date-time"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
ANY_OBJECT = {"type": "object"}

_FORM = _obj(
    ["schema", "uiSchema", "formData"],
    schema={**ANY_OBJECT, "description": "JSON Schema of the form (give it to renderForm as is)"},
    uiSchema=ANY_OBJECT,
    formData={**ANY_OBJECT, "description": "current values; secrets are never included"},
)

_SUMMARY: dict[str, Any] = {
    "id": STR,
    "connector": STR,
    "connector_name": STR,
    "name": STR,
    "tags": {"type": "object", "additionalProperties": STR, "description": "the host's own labels"},
    "state": {"enum": list(STATES), "description": "failing: the newest run failed (the last call's truth)"},
    "shops": {"type": "array", "items": ref("Shop")},
    "access_expires_at": TIME,
    "refresh_expires_at": TIME,
    "reauthorize_by": TIME,
    "reauthorization_reason": OPT_STR,
    "last_import": {"oneOf": [ref("LastImport"), {"type": "null"}]},
    "uncertain": {**INT, "description": "changes sent to the channel whose outcome is not known yet"},
    "created_at": TIME,
}

HAND_WRITTEN: dict[str, Any] = {
    "Problem": {
        **_obj(
            ["ok", "code", "message", "errors"],
            ok={"const": False},
            code=STR,
            message=STR,
            errors={"type": "array", "items": ref("FieldProblem")},
        ),
        "description": "Every refusal. `message` is for people; `code` is for programs.",
    },
    "FieldProblem": _obj(
        ["field", "section", "name", "message"],
        field={**STR, "description": "the full path, settings fields as settings.<name>"},
        section={"enum": ["credentials", "settings"]},
        name={**STR, "description": "the field's name inside its form"},
        message=STR,
    ),
    "Connector": _obj(
        ["id", "name", "capabilities"], id=STR, name=STR, capabilities={"type": "array", "items": STR}
    ),
    "ConnectorList": _items("Connector"),
    "Form": _FORM,
    "Forms": _obj(
        ["connector", "save_url", "editing", "name", "credentials", "settings"],
        connector=STR,
        save_url={**STR, "description": "where to POST (new) or PATCH (edit) the values"},
        editing=BOOL,
        name=STR,
        credentials=ref("Form"),
        settings=ref("Form"),
    ),
    "Shop": _obj(
        [
            "id",
            "name",
            "region",
            "selected",
            "status",
            "status_reason",
            "next_pull_at",
            "failures",
            "last_error",
            "pull_interval",
        ],
        id=STR,
        name=OPT_STR,
        region=OPT_STR,
        selected=BOOL,
        status={
            "enum": ["active", "paused", "left"],
            "description": "paused: an operator stopped serving it; left: no longer in the authorization",
        },
        status_reason=OPT_STR,
        next_pull_at=TIME,
        failures={**INT, "description": "scheduled pulls failed in a row"},
        last_error=OPT_STR,
        pull_interval={
            "type": ["integer", "null"],
            "description": "seconds between scheduled pulls set for the shop or its connection; null: the "
            "worker's default",
        },
    ),
    "LastImport": _obj(["at", "ok", "problems", "error"], at=TIME, ok=BOOL, problems=INT, error=OPT_STR),
    "ConnectionSummary": {**_obj(list(_SUMMARY), **_SUMMARY)},
    "ConnectionPage": _obj(
        ["items", "total", "offset", "limit", "next_offset"],
        items={"type": "array", "items": ref("ConnectionSummary")},
        total=INT,
        offset=INT,
        limit=INT,
        next_offset={"type": ["integer", "null"]},
    ),
    "Connection": {
        "allOf": [
            ref("ConnectionSummary"),
            _obj(
                ["settings", "credentials_set", "runs", "intents", "links", "webhook_subscriptions"],
                settings=ANY_OBJECT,
                credentials_set={
                    "type": "object",
                    "additionalProperties": BOOL,
                    "description": "which secrets are stored; never their values",
                },
                runs={"type": "array", "items": ref("Run")},
                intents={"type": "array", "items": ref("Intent")},
                links={"type": "array", "items": ref("Link")},
                webhook_subscriptions={
                    "type": "object",
                    "additionalProperties": ref("WebhookSubscriptions"),
                    "description": "per shop id, the last comparison with the webhook events the kit needs",
                },
            ),
        ]
    },
    "WebhookSubscriptions": _obj(
        ["checked_at", "subscribed", "missing"],
        checked_at={"type": "string", "format": "date-time"},
        subscribed={"type": "array", "items": STR},
        missing={"type": "array", "items": STR, "description": "absent, or delivered to another address"},
    ),
    "ConnectionInput": _obj(
        ["connector"], connector=STR, name=STR, credentials=ANY_OBJECT, settings=ANY_OBJECT, tags=ref("Tags")
    ),
    "Tags": {
        "type": "object",
        "maxProperties": 20,
        "propertyNames": {"minLength": 1, "maxLength": 64},
        "additionalProperties": {"type": "string", "maxLength": 200},
        "description": "the host's own labels (customer id, plan ...), searchable with ?tag=key=value",
    },
    "ConnectionEdit": {
        **_obj([], name=STR, credentials=ANY_OBJECT, settings=ANY_OBJECT, tags=ref("Tags")),
        "description": "A section sent replaces that form: a secret left blank keeps its stored value, a "
        "non-secret field left out is cleared. A section not sent keeps everything.",
    },
    "Run": _obj(
        [
            "flow",
            "shop_id",
            "started_at",
            "finished_at",
            "ok",
            "error",
            "error_code",
            "problems",
            "left_out",
            "request_id",
            "counts",
        ],
        flow=STR,
        shop_id=OPT_STR,
        started_at=TIME,
        finished_at=TIME,
        ok=BOOL,
        error={**OPT_STR, "description": "what went wrong, in words"},
        error_code={**OPT_STR, "description": "the channel's own error code, for programs"},
        problems={"type": "array", "items": STR},
        left_out={"type": "object", "additionalProperties": INT, "description": "orders left out, by reason"},
        request_id={
            **OPT_STR,
            "description": "the channel's request id of the failing call, when it gave one",
        },
        counts={"type": "object", "additionalProperties": INT},
    ),
    "RunList": _items("Run"),
    "Intent": _obj(
        ["kind", "key", "shop_id", "status", "attempts", "created_at", "updated_at"],
        kind=STR,
        key=STR,
        shop_id=OPT_STR,
        status={"enum": ["pending", "done", "refused"]},
        attempts=INT,
        created_at=TIME,
        updated_at=TIME,
    ),
    "IntentList": _items("Intent"),
    "Link": _obj(
        ["id", "purpose", "hint", "created_at", "expires_at", "last_opened_at", "expired"],
        id={**STR, "description": "names the link to renew or revoke it; it cannot open it"},
        purpose={"enum": ["connect", "renew"]},
        hint=STR,
        created_at=TIME,
        expires_at=TIME,
        last_opened_at=TIME,
        expired=BOOL,
    ),
    "LinkList": _items("Link"),
    "ConnectInput": _obj(
        [],
        return_to={
            **STR,
            "description": "where the seller goes back after consent (an allowed return origin)",
        },
    ),
    "LinkInput": _obj(
        [],
        return_to={**STR, "description": "added to the link: where the seller goes back (an allowed origin)"},
        days={**INT, "minimum": 1, "maximum": 365, "default": 30},
        purpose={"enum": ["connect", "renew"], "default": "connect"},
    ),
    "PullIntervalInput": _obj(
        ["seconds"],
        seconds={
            "type": ["integer", "null"],
            "minimum": MIN_SECONDS,
            "maximum": MAX_SECONDS,
            "description": "whole seconds; null removes it",
        },
    ),
    "PullInterval": _obj(
        ["shop", "seconds"],
        shop={**OPT_STR, "description": "null: the connection's own interval"},
        seconds={"type": ["integer", "null"]},
    ),
    "LinkRenewal": _obj([], days={**INT, "minimum": 1, "maximum": 365, "default": 30}),
    "LinkCreated": _obj(
        ["url", "link"], url={**STR, "description": "shown once: only its hash is kept"}, link=ref("Link")
    ),
    "ConsentUrl": _obj(["consent_url"], consent_url=STR),
    "Queued": _obj(
        ["ok", "task"],
        ok={"const": True},
        task={**STR, "description": "the worker task the work was handed to"},
        kind={**STR, "description": "the kind of outbox work (push_stock, confirm_shipment)"},
        request={**STR, "description": "the outbox key of a stock push or shipment"},
        status_url={**STR, "description": "where to follow it (GET)"},
    ),
    "Order": _obj(
        [
            "id",
            "status",
            "channel_status",
            "created_at",
            "updated_at",
            "shop_id",
            "total",
            "lines",
            "imported",
            "reason",
        ],
        id=STR,
        status={**OPT_STR, "description": "the mapped status (null: not imported)"},
        channel_status={**OPT_STR, "description": "the status exactly as the channel sent it"},
        created_at=TIME,
        updated_at=TIME,
        shop_id=OPT_STR,
        total=OPT_STR,
        lines=INT,
        imported=BOOL,
        reason={**OPT_STR, "description": "why the import leaves it out"},
    ),
    "OrderList": _obj(
        ["items", "left_out", "total", "days"],
        items={"type": "array", "items": ref("Order")},
        left_out={"type": "object", "additionalProperties": INT, "description": "orders left out, by reason"},
        total={"type": ["integer", "null"]},
        days={"type": ["integer", "null"]},
    ),
    "IntentResolution": _obj(
        ["kind", "key", "shop_id", "outcome"],
        kind=STR,
        key=STR,
        shop_id=STR,
        outcome={
            "enum": ["done", "refused"],
            "description": "done: applied (checked in the seller center); "
            "refused: not applied, so the next attempt sends it again",
        },
    ),
    "Request": _obj(
        ["kind", "key", "status", "attempts", "outcome", "created_at", "finished_at"],
        kind={"enum": ["push_stock", "confirm_shipment", "create_labels"]},
        key=STR,
        status={"enum": ["pending", "done", "failed"], "description": "failed: given up, outcome says why"},
        attempts=INT,
        outcome={
            "type": ["object", "null"],
            "description": "the flow's report (done) or the reason (failed)",
        },
        created_at=TIME,
        finished_at=TIME,
    ),
    "StockPush": _obj(
        ["levels"],
        levels={"type": "array", "minItems": 1, "items": ref("StockLevel")},
        force={**BOOL, "default": False, "description": "send levels the ledger says are unchanged"},
    ),
    "ShipmentRequest": _obj(["shipment"], shipment=ref("Shipment")),
}


def _from_models(*models: type[BaseModel]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template=REF)
        found.update(schema.pop("$defs", {}))
        found[model.__name__] = schema
    return found


def component_schemas() -> dict[str, Any]:
    return {**_from_models(StockLevel, Shipment, ConnectionCheck), **HAND_WRITTEN}
