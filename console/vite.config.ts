// Builds the console into dist/console-assets, which the service serves at `/`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/**
 * Brotli and gzip copies of the built text files, made once at build time: the service sends one of
 * them to a browser that accepts it (a fifth of the bytes over a slow intranet) without compressing
 * anything per request.
 */
function precompressed(): Plugin {
  return {
    name: 'ledger-precompressed',
    apply: 'build',
    writeBundle(options, bundle) {
      for (const file of [...Object.keys(bundle), 'index.html']) {
        if (!/\.(js|css|html)$/.test(file) || options.dir === undefined) continue;
        const path = join(options.dir, file);
        const body = readFileSync(path);
        if (body.length < 1024) continue;
        writeFileSync(`${path}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
        writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('../dist/console-assets', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        // The chart library changes less often than the pages: its own file stays cached across releases.
        codeSplitting: { groups: [{ name: 'charts', test: /node_modules[\\/](echarts|zrender)/ }] },
      },
    },
  },
  plugins: [precompressed()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
