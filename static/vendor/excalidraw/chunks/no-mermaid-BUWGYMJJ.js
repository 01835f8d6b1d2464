/* InterviewPrep whiteboard: Excalidraw + React (MIT) and permissive dependencies, bundled by frontend/build.sh; licences in this folder. */
import"./chunk-RC5VGLNU.js";function r(){return Promise.reject(new Error("Mermaid diagrams are not available on this board."))}export{r as parseMermaidToExcalidraw};
