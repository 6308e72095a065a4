import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import type { Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY_META } from './electron/contract/security.ts';

/** Writes the one Content-Security-Policy (electron/contract/security.ts) into index.html, ahead of any script. */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'qnnlab-content-security-policy',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY_META }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          // The run worker Electron starts as a utility process (electron/main/utility-launcher.ts), beside index.js.
          'run-worker': resolve(__dirname, 'electron/workers/main.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron': bundle its dependencies (zod, via the contract).
      externalizeDeps: false,
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'electron/preload/index.ts') },
        // A sandboxed preload must be a single CommonJS file.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    base: './',
    plugins: [vue(), contentSecurityPolicy()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      emptyOutDir: true,
      minify: true,
      // ECharts is one lazily loaded chunk (the dataset page) of about 0.6 MB; the app loads it from disk, offline.
      chunkSizeWarningLimit: 800,
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
  },
});
