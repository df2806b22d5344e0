// The UI library ships its Tailwind plugin as source, not compiled CSS. Its package exports only
// an `import` condition, which Tailwind's config loader cannot resolve, hence the file path.
const fs = require('node:fs');
const path = require('node:path');
const uiDist = module.paths.map((dir) => path.join(dir, '@temporalio/ui/dist')).find((dir) => fs.existsSync(dir));
const { default: temporal, textStyles } = require(`${uiDist}/theme/plugin.js`);
const { fontFamily } = require('tailwindcss/defaultTheme');

/** @type {import('tailwindcss').Config} */
module.exports = {
  content: ['./src/**/*.{html,js,svelte,ts}', `${uiDist}/**/*.{svelte,js}`],
  darkMode: ['selector', '[data-theme="dark"]'],
  theme: {
    fontFamily: { sans: ['Inter', ...fontFamily.sans], mono: ['Noto Sans Mono', ...fontFamily.mono] },
    extend: { animation: { 'spin-slow': 'spin 3s linear infinite' }, zIndex: { 100: '100' } },
  },
  plugins: [temporal, textStyles],
};
