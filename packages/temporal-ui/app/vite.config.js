import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  // The library reads import.meta.env.VITE_API with .startsWith: empty means "same origin".
  define: { 'import.meta.env.VITE_API': JSON.stringify('') },
  build: { chunkSizeWarningLimit: 4096, reportCompressedSize: false },
  logLevel: process.env.TEMPORAL_UI_BUILD_VERBOSE ? 'info' : 'warn',
});
