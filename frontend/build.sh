#!/usr/bin/env bash
# Copies the browser libraries pinned in package-lock.json into static/vendor/, bundles src/editor.js
# (CodeMirror 6) into static/vendor/codemirror/ and src/whiteboard.js (Excalidraw) into static/vendor/excalidraw/.
# The copies are committed, so `make run` needs no npm; run this after changing versions.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
vendor=../static/vendor
rm -rf "$vendor"
mkdir -p "$vendor/katex"
cp node_modules/htmx.org/dist/htmx.min.js "$vendor/htmx.min.js"
cp node_modules/katex/dist/katex.min.js node_modules/katex/dist/katex.min.css "$vendor/katex/"
cp -r node_modules/katex/dist/fonts "$vendor/katex/fonts"
cp node_modules/katex/LICENSE "$vendor/katex/LICENSE"
cp node_modules/htmx.org/LICENSE "$vendor/htmx.LICENSE"
echo "vendored into static/vendor: htmx $(node -p "require('./node_modules/htmx.org/package.json').version"), katex $(node -p "require('./node_modules/katex/package.json').version")"

# Licence check for a bundle: copies the licence of every package that kept bytes in it, and fails
# if one is missing or its licence is not on the allow-list (so an upgrade cannot silently ship
# something else). Arguments: esbuild's metafile, the output folder, the bundle's name.
bundle_licences() {
  node - "$@" <<'JS'
const fs = require("fs"), path = require("path");
const [meta, out, bundle] = process.argv.slice(2);
// Permissive licences only, as package.json spells them (SPDX); anything else stops the build.
const ALLOWED = new Set(["MIT", "ISC", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "0BSD", "CC0-1.0", "Zlib",
  "(MIT AND Zlib)"]);
// Only inputs that kept bytes in the output (tree-shaken modules are listed with 0).
const outputs = Object.values(JSON.parse(fs.readFileSync(meta, "utf8")).outputs);
const names = new Set();
for (const output of outputs) {
  for (const [file, info] of Object.entries(output.inputs || {})) {
    const m = file.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (m && info.bytesInOutput > 0) names.add(m[1]);
  }
}
const list = [];
for (const name of [...names].sort()) {
  const dir = path.join("node_modules", name);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  // Old packages name theirs in a `licenses` list; a single entry counts as `license`.
  const licence = pkg.license ?? (pkg.licenses?.length === 1 ? pkg.licenses[0].type : undefined);
  if (!ALLOWED.has(licence)) {
    throw new Error(`${name}: licence ${JSON.stringify(licence)} is not on build.sh's allow-list`);
  }
  const target = name.replace(/^@/, "").replace("/", "-") + ".LICENSE";
  // The package's own licence file, else the text kept in licences/ (see licences/README.md).
  const own = fs.readdirSync(dir).find((f) => /^(LICEN[CS]E|COPYING)([.-](md|txt|mit))?$/i.test(f));
  const kept = [target, name.replace(/^@/, "").split("/")[0] + ".LICENSE"].map((f) => path.join("licences", f))
    .find((f) => fs.existsSync(f));
  if (!own && !kept) throw new Error(`${name}: no licence file in the package or in frontend/licences/`);
  fs.copyFileSync(own ? path.join(dir, own) : kept, path.join(out, target));
  list.push(`${name}@${pkg.version} (${licence})`);
}
fs.writeFileSync(path.join(out, "BUNDLED.txt"),
  `Packages bundled into ${bundle} (licence texts in *.LICENSE here):\n` + list.map((s) => s + "\n").join(""));
const size = fs.statSync(path.join(out, bundle)).size;
console.log(`vendored into ${out}: ${bundle} (${(size / 1024).toFixed(1)} KiB) from ${list.length} packages`);
JS
}

meta="$(mktemp)"
trap 'rm -f "$meta"' EXIT

# CodeMirror 6 editor: one minified IIFE script that sets window.InterviewPrepEditor.
cm="$vendor/codemirror"
mkdir -p "$cm"
# @replit/codemirror-emacs registers its key table in module-level calls it marks /*@__PURE__*/ while its
# package.json says "sideEffects": false, so a bundler drops them and Emacs mode binds no key at all.
# Bundle a copy without those two marks (kept inside the package's folder, so its licence is still found).
emacs_dist=node_modules/@replit/codemirror-emacs/dist
sed -e 's#/\*@__PURE__\*/EmacsHandler\.bindKey#EmacsHandler.bindKey#' \
    -e 's#/\*@__PURE__\*/EmacsHandler\.addCommands#EmacsHandler.addCommands#' \
    "$emacs_dist/index.js" > "$emacs_dist/index.bound.js"
grep -q '/\*@__PURE__\*/EmacsHandler' "$emacs_dist/index.bound.js" && { echo "codemirror-emacs: unexpected pure call left" >&2; exit 1; }
node_modules/.bin/esbuild src/editor.js \
  --bundle --format=iife --minify --target=es2020 --platform=browser \
  --alias:@replit/codemirror-emacs=./$emacs_dist/index.bound.js \
  --legal-comments=none --log-level=warning \
  --banner:js="/* InterviewPrep code editor: CodeMirror 6 + Lezer (MIT licence), bundled by frontend/build.sh; licences in this folder. */" \
  --metafile="$meta" --outfile="$cm/editor.min.js"
bundle_licences "$meta" "$cm" editor.min.js

# Whiteboard: Excalidraw + React as an ES module (whiteboard.min.js, whiteboard.min.css) whose
# rarely used parts (other languages, font subsetting for image export) are chunks loaded on demand.
# Mermaid is replaced by a stub (src/no-mermaid.js): only the "Mermaid to Excalidraw" dialog used it.
# Excalidraw's fonts are copied beside it (src/asset-path.js points EXCALIDRAW_ASSET_PATH there), except
# Xiaolai, its 13 MB handwritten CJK fallback: Chinese or Japanese text on a board is drawn in the
# browser's own CJK font instead (the board asks for Xiaolai here, gets a 404, never a CDN).
wb="$vendor/excalidraw"
mkdir -p "$wb"
node_modules/.bin/esbuild src/whiteboard.js \
  --bundle --format=esm --splitting --minify --target=es2020 --platform=browser \
  --conditions=production --define:process.env.NODE_ENV='"production"' \
  --alias:@excalidraw/mermaid-to-excalidraw=./src/no-mermaid.js \
  --loader:.woff2=file --entry-names='[name].min' --chunk-names='chunks/[name]-[hash]' --asset-names='assets/[name]-[hash]' \
  --legal-comments=none --log-level=warning \
  --banner:js="/* InterviewPrep whiteboard: Excalidraw + React (MIT) and permissive dependencies, bundled by frontend/build.sh; licences in this folder. */" \
  --metafile="$meta" --outdir="$wb"
# Excalidraw lists a CDN copy of its fonts (esm.sh) after EXCALIDRAW_ASSET_PATH in every font face, and
# the browser checks that URL against the CSP even when the local font loads. Point that fallback at
# this folder too, and stop the build if the pattern changed or any esm.sh URL is left.
node - "$wb" <<'JS'
const fs = require("fs"), path = require("path");
const [dir] = process.argv.slice(2);
const files = [dir, path.join(dir, "chunks")].flatMap((d) => fs.readdirSync(d).map((f) => path.join(d, f)))
  .filter((f) => f.endsWith(".js"));
const fallback = /`https:\/\/esm\.sh\/\$\{[^`]*`[^`]*`:"@excalidraw\/excalidraw"\}\/dist\/prod\/`/g;
let replaced = 0;
for (const file of files) {
  const text = fs.readFileSync(file, "utf8");
  if (!text.includes("esm.sh")) continue;
  // The chunk sits in chunks/, one folder below the fonts' base.
  const local = `new URL("${path.dirname(file) === dir ? "./" : "../"}", import.meta.url).href`;
  const patched = text.replace(fallback, () => { replaced += 1; return local; });
  if (patched.includes("esm.sh/")) throw new Error(`${file}: an esm.sh URL is left after patching`);
  fs.writeFileSync(file, patched);
}
if (replaced !== 1) throw new Error(`expected Excalidraw's one CDN fallback, patched ${replaced}`);
JS
excalidraw_fonts=node_modules/@excalidraw/excalidraw/dist/prod/fonts
mkdir -p "$wb/fonts"
for font in "$excalidraw_fonts"/*/; do
  name="$(basename "$font")"
  [ "$name" = Xiaolai ] || cp -r "$font" "$wb/fonts/$name"
done
bundle_licences "$meta" "$wb" whiteboard.min.js
