// Bundles the NL Design System CSS (Utrecht components and design tokens)
// and the store's own styles into static/dist/appstore.css. Run by `make install`
// after `npm ci`; plain concatenation, no bundler needed.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const sources = [
  "node_modules/@utrecht/design-tokens/dist/theme.css",
  "node_modules/@utrecht/component-library-css/dist/index.css",
  "assets/app.css",
];
const out = join(here, "static", "dist", "appstore.css");

// @charset is only allowed first in a stylesheet; the Utrecht file has one.
const body = sources
  .map((source) => `/* ${source} */\n` + readFileSync(join(here, source), "utf8").replace(/@charset "[^"]*";\s*/g, ""))
  .join("\n");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, '@charset "UTF-8";\n' + body);
console.log(`wrote ${out} (${Math.round(body.length / 1024)} KiB)`);
