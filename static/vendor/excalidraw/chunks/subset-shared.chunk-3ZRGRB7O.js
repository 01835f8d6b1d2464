/* InterviewPrep whiteboard: Excalidraw + React (MIT) and permissive dependencies, bundled by frontend/build.sh; licences in this folder. */
import{a as s,b as a,c as o,d as t}from"./chunk-RJ2BIHK4.js";import"./chunk-BH6AJUVZ.js";import"./chunk-P4KUBA32.js";import"./chunk-RC5VGLNU.js";export{s as Commands,a as subsetToBase64,o as subsetToBinary,t as toBase64};
