// The validator every form of this bundle uses: RJSF's ajv8 validator, in ajv's strict mode, taught the
// keywords our schemas carry, with ajv-errors so a schema's own `errorMessage` sentences are shown.
// The edge-case table (tests/forms/form_edge_cases.json) runs through this same validator, so what the
// Python side agrees with is exactly what a host's browser does.
import { customizeValidator } from "@rjsf/validator-ajv8";
import ajvErrors from "ajv-errors";

// Markers for hosts, not rules: ajv must know them or strict mode refuses the schema.
export const CUSTOM_KEYWORDS = [
  // a field the OAuth flow fills (tokens): hosts hide it from the form
  { keyword: "x-oauth-managed", schemaType: "boolean", metaSchema: { type: "boolean" } },
];

export function teachAjv(ajv) {
  for (const definition of CUSTOM_KEYWORDS) {
    if (!ajv.getKeyword(definition.keyword)) ajv.addKeyword(definition);
  }
  ajvErrors(ajv);
  return ajv;
}

export function createValidator() {
  // RJSF turns strict mode off by default; we keep ajv's own default (strict) so a schema mistake shows.
  return customizeValidator({ ajvOptionsOverrides: { strict: true }, extenderFn: teachAjv });
}
