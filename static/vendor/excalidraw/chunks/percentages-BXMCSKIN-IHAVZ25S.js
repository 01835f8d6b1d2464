/* InterviewPrep whiteboard: Excalidraw + React (MIT) and permissive dependencies, bundled by frontend/build.sh; licences in this folder. */
import{a,b as o,c as r}from"./chunk-JWVP5XPX.js";import"./chunk-P4KUBA32.js";import"./chunk-RC5VGLNU.js";export{r as default,a as en,o as kaa};
