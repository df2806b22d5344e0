// The library's components use nested CSS; tailwindcss/nesting must run before tailwindcss.
module.exports = {
  plugins: [require('tailwindcss/nesting'), require('tailwindcss'), require('autoprefixer')],
};
