// Prints, as JSON, ajv's verdict on every case of an edge-case table: {"verdicts": {"<id>": true|false},
// "refused": {"<pattern>": true when ajv refuses a schema holding it}}.
// A schema ajv refuses to compile gives "schema-error: <reason>" instead of a verdict.
// Usage: node scripts/verdicts.mjs TABLE.json SCHEMA_DIR
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createValidator } from "../src/validator.js";

const [tablePath, schemaDir] = process.argv.slice(2);
if (!tablePath || !schemaDir) {
  console.error("usage: node scripts/verdicts.mjs TABLE.json SCHEMA_DIR");
  process.exit(2);
}
const table = JSON.parse(readFileSync(tablePath, "utf8"));
const schemas = {};
for (const [name, schema] of Object.entries(table.schemas)) {
  schemas[name] = schema.$file ? JSON.parse(readFileSync(join(schemaDir, schema.$file), "utf8")) : schema;
}
const validator = createValidator();
const verdicts = {};
for (const testCase of table.cases) {
  const { errors, validationError } = validator.rawValidation(schemas[testCase.schema], testCase.value);
  verdicts[testCase.id] = validationError
    ? `schema-error: ${validationError.message}`
    : !errors || errors.length === 0;
}
// Patterns ECMA-262 refuses: ajv must refuse to compile a schema that holds one.
const refused = {};
for (const pattern of table.refused_patterns ?? []) {
  const { validationError } = validator.rawValidation({ type: "string", pattern }, "");
  refused[pattern] = validationError !== undefined;
}
process.stdout.write(JSON.stringify({ verdicts, refused }) + "\n");
