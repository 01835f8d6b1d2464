// The whiteboard of design rounds: Excalidraw (MIT) and React, bundled by build.sh into
// static/vendor/excalidraw/whiteboard.min.js. It sets window.InterviewPrepWhiteboard; the page's own
// script (static/js/whiteboard.js) loads and saves scenes. Fonts come from the same folder
// (window.EXCALIDRAW_ASSET_PATH, set by ./asset-path.js): nothing from a CDN.
import "./asset-path.js";
import { createElement } from "react";
import { createRoot } from "react-dom/client";
import { Excalidraw, convertToExcalidrawElements } from "@excalidraw/excalidraw";
import "@excalidraw/excalidraw/index.css";

// The shapes of ML and system design, each a labelled outline in its own colour, drawn from
// Excalidraw's element "skeletons" (our own list; no library file from elsewhere).
const SHAPES = [
  ["Client", "rectangle", "#a5d8ff"],
  ["Load balancer", "diamond", "#ffd8a8", { width: 220, height: 110 }],
  ["Service", "rectangle", "#b2f2bb"],
  ["Queue", "rectangle", "#eebefa", { width: 220, height: 60 }],
  ["Database", "ellipse", "#ffec99"],
  ["Cache", "rectangle", "#ffc9c9", { roundness: { type: 3 } }],
  ["Feature store", "ellipse", "#c5f6fa"],
  ["Model server", "rectangle", "#d0bfff", { roundness: { type: 3 } }],
  ["Training job", "rectangle", "#e9ecef", { strokeStyle: "dashed" }],
  ["Object store", "ellipse", "#dee2e6", { width: 180, height: 100 }],
];

function libraryItems() {
  return SHAPES.map(([name, type, colour, extra], i) => ({
    id: `interviewprep-${i}`,
    status: "published",
    created: 1,
    name,
    elements: convertToExcalidrawElements([{
      type, x: 0, y: 0, width: 160, height: 80, backgroundColor: colour, fillStyle: "solid",
      strokeColor: "#1e1e1e", label: { text: name, fontSize: 18 }, ...extra,
    }]),
  }));
}

// The page's theme (templates/base.html renders the person's choice on <html>; "system" follows the OS).
// Excalidraw draws its dark theme by inverting the canvas, so the saved colours stay the light ones.
function pageIsDark() {
  const theme = document.documentElement.dataset.theme;
  return theme === "dark" || (theme === "system" && window.matchMedia("(prefers-color-scheme: dark)").matches);
}

// mount(element, {elements, readOnly, onChange}): an Excalidraw board in `element`.
function mount(element, options) {
  const root = createRoot(element);
  root.render(createElement(Excalidraw, {
    initialData: {
      elements: options.elements || [],
      appState: { viewBackgroundColor: "#ffffff" },
      libraryItems: libraryItems(),
      scrollToContent: true,
    },
    viewModeEnabled: Boolean(options.readOnly),
    theme: pageIsDark() ? "dark" : "light",
    // No collaboration, no "share" links, no saving to files: the server keeps the board.
    UIOptions: {
      canvasActions: { loadScene: false, saveToActiveFile: false, export: false, saveAsImage: false },
      tools: { image: false }, // the server keeps no image files: a board is shapes, lines and text
    },
    onChange: (elements) => options.onChange && options.onChange(elements),
    langCode: "en",
  }));
  return root;
}

window.InterviewPrepWhiteboard = { mount, shapeNames: SHAPES.map(([name]) => name) };
document.dispatchEvent(new Event("interviewprep:whiteboard"));
