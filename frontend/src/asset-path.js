// Excalidraw loads its fonts from window.EXCALIDRAW_ASSET_PATH (then from a fallback, which build.sh also
// points at this folder): the folder of this bundle, so no font ever comes from a CDN.
window.EXCALIDRAW_ASSET_PATH = new URL("./", import.meta.url).href;
