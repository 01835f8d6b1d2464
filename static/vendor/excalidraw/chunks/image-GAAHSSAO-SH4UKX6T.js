/* InterviewPrep whiteboard: Excalidraw + React (MIT) and permissive dependencies, bundled by frontend/build.sh; licences in this folder. */
import{qk as a,rk as t,sk as e}from"./chunk-Q4RS3RLS.js";import"./chunk-BH6AJUVZ.js";import"./chunk-P4KUBA32.js";import"./chunk-RC5VGLNU.js";export{e as decodePngMetadata,t as encodePngMetadata,a as getTEXtChunk};
