// Starts the page's Wasm. Trunk fills in the hashed file names as data-
// attributes (Trunk.toml `pattern_script`); loading them from this file rather
// than an inline script keeps the Content-Security-Policy free of 'unsafe-inline'.
// After the first screen is painted: it already holds the answer, and the
// page's Wasm (most of what a visit downloads) must not hold that paint back.
await new Promise((painted) => requestAnimationFrame(() => setTimeout(painted, 0)));
const tag = document.querySelector("script[data-js][data-wasm]");
const { default: init } = await import(new URL(tag.dataset.js, document.baseURI));
await init({ module_or_path: new URL(tag.dataset.wasm, document.baseURI) });
