// Excalidraw reads window.EXCALIDRAW_ASSET_PATH when its modules are evaluated (its font faces are made
// then), so this module is imported first: the fonts come from beside the bundle, never from a CDN.
window.EXCALIDRAW_ASSET_PATH = new URL("./", import.meta.url).href;
