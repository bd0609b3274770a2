// ajv's verdict for every (schema, value) pair, as JSON: {"valid": [[true, false, ...] per schema]}.
// Reads {"schemas": [...], "values": [...]} from standard input. Uses the bundle's own validator.
import { createValidator } from "../src/validator.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { schemas, values } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const validator = createValidator();
const valid = schemas.map((schema) =>
  values.map((value) => {
    const { errors, validationError } = validator.rawValidation(schema, value);
    if (validationError) throw new Error(`ajv refused ${JSON.stringify(schema)}: ${validationError.message}`);
    return !errors || errors.length === 0;
  }),
);
process.stdout.write(JSON.stringify({ valid }) + "\n");
