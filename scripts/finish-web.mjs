#!/usr/bin/env node
// Finishes trunk's output for serving, in place (scripts/build-web.sh runs it on dist/):
//
//   1. Removes trunk's inline loader <script> from every index.html: crates/web/start.js
//      starts the app instead, so the Content-Security-Policy needs no inline script.
//      Trunk's preload links to the hashed files stay; start.js reads them.
//   2. Writes NAME.gz (gzip -9) and NAME.br (brotli, quality 11) beside every text or wasm
//      file, which the server sends as they are to browsers that accept them. Node's own
//      zlib does both: nothing to install.
//
// Usage: node scripts/finish-web.mjs DIST_DIR

import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = process.argv[2];
if (!root) {
    console.error('usage: finish-web.mjs DIST_DIR');
    process.exit(2);
}

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.svg', '.txt', '.json']);
const TRUNK_LOADER = /<script type="?module"?>\s*import init, \* as bindings from [\s\S]*?<\/script>/g;

function filesUnder(dir) {
    return readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

const files = filesUnder(root);

for (const index of files.filter((path) => path.endsWith('index.html'))) {
    const html = readFileSync(index, 'utf8');
    const loaders = html.match(TRUNK_LOADER) ?? [];
    if (loaders.length !== 1) {
        console.error(`finish-web: expected one trunk loader script in ${index}, found ${loaders.length}`);
        process.exit(1);
    }
    if (!/<link[^>]*rel="?modulepreload/.test(html) || !/_bg\.wasm/.test(html)) {
        console.error(`finish-web: ${index} lacks the preload links start.js needs`);
        process.exit(1);
    }
    writeFileSync(index, html.replace(TRUNK_LOADER, ''));
}

const rows = [];
for (const path of files) {
    if (!COMPRESSIBLE.has(extname(path))) continue;
    const raw = readFileSync(path);
    const gzip = gzipSync(raw, { level: 9 });
    const brotli = brotliCompressSync(raw, {
        params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
            [constants.BROTLI_PARAM_MODE]: extname(path) === '.wasm'
                ? constants.BROTLI_MODE_GENERIC
                : constants.BROTLI_MODE_TEXT,
        },
    });
    writeFileSync(`${path}.gz`, gzip);
    writeFileSync(`${path}.br`, brotli);
    rows.push([relative(root, path), raw.length, gzip.length, brotli.length]);
}

const kB = (bytes) => (bytes / 1000).toFixed(1).padStart(8);
console.log(`${'file'.padEnd(44)} ${'raw kB'.padStart(8)} ${'gzip kB'.padStart(8)} ${'br kB'.padStart(8)}`);
for (const [name, raw, gzip, brotli] of rows) {
    console.log(`${name.padEnd(44)} ${kB(raw)} ${kB(gzip)} ${kB(brotli)}`);
}
