import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { metadataSource } from './scripts/phone-metadata.mjs';
import { fakeApi } from './test/widget/fake-api.mjs';

/** Serves libphonenumber-js metadata sliced as the build slices it, so tests see what callers get. */
function phoneMetadata() {
  return {
    name: 'phone-metadata',
    serve: (context) => (context.path.endsWith('/libphonenumber-js/metadata.min.json.js') ? { body: metadataSource(), type: 'js' } : undefined),
  };
}

/** test/widget/bundle.test.ts checks the built embed: (re)build it when missing or older than its sources. */
function ensureBundle() {
  const mtime = (path) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = ['rollup.config.mjs', 'scripts/phone-metadata.mjs', 'scripts/minify-templates.mjs', 'package-lock.json'];
  for (const entry of readdirSync('widget', { recursive: true })) sources.push(`widget/${entry}`);
  const built = mtime('dist/call-power.js');
  if (sources.some((source) => mtime(source) > built)) execFileSync('npx', ['rollup', '-c'], { stdio: 'inherit' });
}
ensureBundle();

export default {
  files: ['test/widget/**/*.test.ts'],
  nodeResolve: true,
  // Two cores: one browser, two pages at a time.
  concurrency: 2,
  concurrentBrowsers: 1,
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      },
    }),
  ],
  plugins: [phoneMetadata(), esbuildPlugin({ ts: true })],
  middleware: [fakeApi()],
  testFramework: { config: { timeout: 10000 } },
};
