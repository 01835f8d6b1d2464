#!/usr/bin/env bash
# Copies the browser libraries pinned in package-lock.json into static/vendor/,
# and bundles src/editor.js (CodeMirror 6) into static/vendor/codemirror/.
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

# CodeMirror 6 editor: one minified IIFE script that sets window.InterviewPrepEditor.
cm="$vendor/codemirror"
mkdir -p "$cm"
meta="$(mktemp)"
trap 'rm -f "$meta"' EXIT
node_modules/.bin/esbuild src/editor.js \
  --bundle --format=iife --minify --target=es2020 --platform=browser \
  --legal-comments=none --log-level=warning \
  --banner:js="/* InterviewPrep code editor: CodeMirror 6 + Lezer (MIT licence), bundled by frontend/build.sh; licences in this folder. */" \
  --metafile="$meta" --outfile="$cm/editor.min.js"
# Copy the licence of every package that ended up in the bundle (and fail if one
# is missing or not MIT, so an upgrade cannot silently ship something else).
node - "$meta" "$cm" <<'JS'
const fs = require("fs"), path = require("path");
const [meta, out] = process.argv.slice(2);
// Only inputs that kept bytes in the output (tree-shaken modules are listed with 0).
const outputs = Object.values(JSON.parse(fs.readFileSync(meta, "utf8")).outputs);
const names = new Set();
for (const output of outputs) {
  for (const [file, info] of Object.entries(output.inputs)) {
    const m = file.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (m && info.bytesInOutput > 0) names.add(m[1]);
  }
}
const list = [];
for (const name of [...names].sort()) {
  const dir = path.join("node_modules", name);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  if (pkg.license !== "MIT") throw new Error(`${name}: licence ${pkg.license}, expected MIT`);
  const lic = fs.readdirSync(dir).find((f) => /^(LICEN[CS]E|COPYING)(\.(md|txt))?$/i.test(f));
  if (!lic) throw new Error(`${name}: no licence file found`);
  const target = name.replace(/^@/, "").replace("/", "-") + ".LICENSE";
  fs.copyFileSync(path.join(dir, lic), path.join(out, target));
  list.push(`${name}@${pkg.version}`);
}
fs.writeFileSync(path.join(out, "BUNDLED.txt"),
  "Packages bundled into editor.min.js (all MIT; licence texts in *.LICENSE here):\n" +
  list.map((s) => s + "\n").join(""));
const size = fs.statSync(path.join(out, "editor.min.js")).size;
console.log(`vendored into static/vendor/codemirror: editor.min.js (${(size / 1024).toFixed(1)} KiB) from ${list.length} packages: ${list.join(", ")}`);
JS
