// Copies the front-end packages pinned in package-lock.json into static/vendor/ so that Los serves
// them itself (no CDN at run time). Run by scripts/setup.sh after `npm ci`.
import { cpSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "vendor");
const files = [
  ["node_modules/@digdir/designsystemet-css/dist/src/index.css", "designsystemet/designsystemet.css"],
  ["node_modules/@digdir/designsystemet-theme/brand/digdir.css", "designsystemet/theme-digdir.css"],
  ["node_modules/htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
  ["node_modules/axe-core/axe.min.js", "axe/axe.min.js"],
];
for (const [from, to] of files) {
  const target = join(out, to);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(root, from), target);
}
console.log(`vendored ${files.length} files into static/vendor`);
