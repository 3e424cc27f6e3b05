import { gzipSync } from 'node:zlib';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { browserTypescript } from './scripts/rollup-typescript.mjs';

/** The organisers' dashboard served at /admin (admin/), built apart from the embed. */
export default {
  input: 'admin/main.ts',
  output: { file: 'dist/admin.js', format: 'es', sourcemap: true },
  plugins: [
    nodeResolve({ browser: true }),
    browserTypescript(['admin/**/*.ts']),
    terser({ ecma: 2022, module: true, format: { comments: false } }),
    {
      name: 'size',
      generateBundle(_options, bundle) {
        for (const chunk of Object.values(bundle)) {
          if (chunk.type === 'chunk') console.log(`dist/${chunk.fileName}: ${chunk.code.length} bytes, ${gzipSync(chunk.code).length} bytes gzipped`);
        }
      },
    },
  ],
};
