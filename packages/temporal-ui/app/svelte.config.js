// The UI is a single-page app: every route renders in the browser (ssr = false in the root
// layout), so adapter-static writes one index.html fallback that the Node server hands out
// for any path that is not an asset or /api.
import adapter from '@sveltejs/adapter-static';

const out = process.env.TEMPORAL_UI_BUILD_DIR ?? 'build';

/** @type {import('@sveltejs/kit').Config} */
export default {
  kit: {
    adapter: adapter({ pages: out, assets: out, fallback: 'index.html', strict: false }),
    // The library's own code lives in node_modules; nothing here is prerendered.
    prerender: { entries: [] },
    outDir: process.env.TEMPORAL_UI_KIT_DIR ?? '.svelte-kit',
  },
};
