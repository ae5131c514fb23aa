// Copies the front-end packages MHSIP uses from node_modules into the git-ignored
// folder `assets/dist/`, which Django serves as static files (STATICFILES_DIRS).
// Run by `make assets` (part of `make run` and `make test`).
import { cpSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "assets", "dist");
const nm = join(root, "node_modules");

const copies = [
  ["nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css", "nhsuk/nhsuk-frontend.min.css"],
  ["nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js", "nhsuk/nhsuk-frontend.min.js"],
  ["nhsuk-frontend/dist/nhsuk/assets", "nhsuk/assets"],
  ["vega/build/vega.min.js", "vega/vega.min.js"],
  ["vega-lite/build/vega-lite.min.js", "vega/vega-lite.min.js"],
  ["vega-embed/build/vega-embed.min.js", "vega/vega-embed.min.js"],
  ["axe-core/axe.min.js", "axe/axe.min.js"],
];

rmSync(out, { recursive: true, force: true });
for (const [from, to] of copies) {
  const source = join(nm, from);
  if (!existsSync(source)) {
    console.error(`build-assets: ${source} is missing; run 'npm ci' first`);
    process.exit(1);
  }
  mkdirSync(dirname(join(out, to)), { recursive: true });
  cpSync(source, join(out, to), { recursive: true });
}
console.log(`build-assets: ${copies.length} entries copied to ${out}`);
