// Writes brotli (.br) and gzip (.gz) copies of the built bundles, at the highest levels, once per
// build: the server sends whichever the browser accepts without compressing on every request.
import { readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

for (const path of ['dist/call-power.js', 'dist/admin.js']) {
  const source = readFileSync(path);
  const br = brotliCompressSync(source, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: source.length } });
  writeFileSync(`${path}.br`, br);
  writeFileSync(`${path}.gz`, gzipSync(source, { level: 9 }));
  console.log(`${path}: ${source.length} B, brotli ${br.length} B`);
}
