import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import { rendererDefine } from './renderer/vite.config';

// Main and preload are bundled for Node/Electron; native modules stay external.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        // The image screening worker is started from a file of its own (see nsfw-screener.ts).
        input: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          'nsfw-worker': resolve(__dirname, 'electron/core/moderation/nsfw-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can only require('electron'): bundle everything else (zod) into it.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'electron/preload/index.ts') },
        // CommonJS, so the window keeps sandbox: true.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    base: './',
    define: rendererDefine,
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
    plugins: [vue()],
  },
});
