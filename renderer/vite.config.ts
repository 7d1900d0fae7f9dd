import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const rendererRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Compile-time flags of Vue and vue-i18n: composition API only, no devtools in production. The
 * Electron build (electron.vite.config.ts) should use the same, so both bundles behave alike.
 * vue-i18n's JIT message compiler needs no eval, which the CSP forbids.
 */
export const rendererDefine = {
  __VUE_I18N_FULL_INSTALL__: 'true',
  __VUE_I18N_LEGACY_API__: 'false',
  __INTLIFY_PROD_DEVTOOLS__: 'false',
  __VUE_PROD_DEVTOOLS__: 'false',
  __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
};

/**
 * Builds the renderer for web mode (`npm run build:web`). electron.vite.config.ts uses the same
 * root and index.html for the Electron build.
 */
export default defineConfig({
  root: rendererRoot,
  // Relative asset URLs: the page is served from file:// in Electron and from / in web mode.
  base: './',
  plugins: [vue()],
  define: rendererDefine,
  build: {
    outDir: `${repoRoot}out/renderer`,
    emptyOutDir: true,
    // Never inline assets as data: URIs into scripts or styles; the CSP allows data: for images only.
    assetsInlineLimit: 0,
    target: 'es2022',
  },
  server: {
    host: '127.0.0.1',
    fs: { allow: [repoRoot] },
  },
});
