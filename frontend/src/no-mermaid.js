// Stands in for @excalidraw/mermaid-to-excalidraw, which Excalidraw loads only for its
// "Mermaid to Excalidraw" dialog: bundling it would add Mermaid (megabytes, more licences) to
// every board. The dialog then says the conversion is not available.
export function parseMermaidToExcalidraw() {
  return Promise.reject(new Error("Mermaid diagrams are not available on this board."));
}
