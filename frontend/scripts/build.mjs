// Builds connector_core/web/static/forms.js, the bundle a pip install serves with no Node (or the file
// given as the first argument, which is how the tests compare a fresh build with the committed one).
// Deterministic: the same package-lock.json and sources give the same bytes (CI rebuilds and compares).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const out = process.argv[2] || fileURLToPath(new URL("../../connector_core/web/static/forms.js", import.meta.url));
await build({
  entryPoints: [fileURLToPath(new URL("../src/index.js", import.meta.url))],
  outfile: out,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["es2020"],
  minify: true,
  legalComments: "eof",
  charset: "utf8",
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
});
console.log(`built ${out}`);
