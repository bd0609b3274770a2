"""The contract's description tests (no cassette): the manifest and its form schemas (draft-07, secrets
write-only), and a hook implemented for each declared capability."""

from __future__ import annotations

from jsonschema import Draft7Validator

from ... import forms
from ...hookspecs import ALWAYS_REQUIRED, CAPABILITY_HOOKS
from ...host import missing_hooks
from ...models import Capability
from ..scrub import looks_like_token_field
from .plumbing import ContractPlumbing

DRAFT_07 = "http://json-schema.org/draft-07/schema#"


class DescriptionContract(ContractPlumbing):
    """What a connector says about itself, checked without the channel."""

    def test_manifest_and_schemas(self) -> None:
        connector = self.connector()
        manifest = connector.manifest
        assert manifest.id == self.connector_id
        assert manifest.capabilities, "a connector declares at least one capability"
        if Capability.CONNECT in manifest.capabilities:
            assert manifest.secret_parameters, (
                "a connector that authorizes must name its secret wire parameters"
            )
        for label, schema in (
            ("credentials", connector.credentials_schema()),
            ("settings", connector.settings_schema()),
        ):
            assert schema.get("$schema") == DRAFT_07, f"the {label} schema must declare draft-07"
            Draft7Validator.check_schema(schema)
            assert schema.get("type") == "object", f"the {label} schema describes an object"
            for field_name, sub in forms.iter_fields(schema):
                assert sub.get("title"), f"{label}.{field_name} needs a title for the host's form"
                credential_like = label == "credentials" and looks_like_token_field(field_name)
                if credential_like or forms.is_secret(sub):
                    assert sub.get("writeOnly") is True, f"{label}.{field_name} is a secret: writeOnly: true"
                    assert sub.get("format") == "password", (
                        f"{label}.{field_name} is a secret: format password"
                    )
        ui = connector.ui_schema()
        assert isinstance(ui, dict)

    def test_declared_capabilities_have_hooks(self) -> None:
        connector = self.connector()
        implemented = connector.implemented_hooks()
        assert not missing_hooks(connector.manifest, implemented)
        for hook in ALWAYS_REQUIRED:
            assert hook in implemented
        for capability in connector.capabilities:
            for hook in CAPABILITY_HOOKS[capability]:
                assert hook in implemented, f"{capability.value} needs {hook}"
