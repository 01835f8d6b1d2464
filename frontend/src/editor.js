// Entry point of static/vendor/codemirror/editor.min.js (built by frontend/build.sh).
//
// Exposes window.InterviewPrepEditor = { create(parent, options), languages }.
// The Django templates and the page glue code depend on this API; keep it stable.

import { Annotation, Compartment, EditorState } from "@codemirror/state";
import {
  EditorView,
  crosshairCursor,
  drawSelection,
  dropCursor,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  rectangularSelection,
} from "@codemirror/view";
import {
  defaultKeymap,
  history,
  historyKeymap,
  indentWithTab,
} from "@codemirror/commands";
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from "@codemirror/language";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { python } from "@codemirror/lang-python";
import { javascript } from "@codemirror/lang-javascript";
import { cpp } from "@codemirror/lang-cpp";
import { java } from "@codemirror/lang-java";

const LANGUAGES = ["python", "javascript", "cpp", "java"];

// Indentation unit per language (Python/Java/C++ conventionally use 4 spaces).
const INDENT = {
  python: "    ",
  javascript: "  ",
  cpp: "    ",
  java: "    ",
};

const supportFactories = {
  python,
  javascript,
  cpp,
  java,
};
const supportCache = {};

function languageSupport(name) {
  if (!supportCache[name]) supportCache[name] = supportFactories[name]();
  return supportCache[name];
}

function normalizeLanguage(language) {
  const name = String(language == null ? "" : language).trim().toLowerCase();
  if (LANGUAGES.indexOf(name) >= 0) return name;
  if (name) {
    console.warn("InterviewPrepEditor: unknown language " + JSON.stringify(language) +
      "; expected one of " + LANGUAGES.join(", ") + ". Using plain text.");
  }
  return null;
}

function languageExtension(language) {
  const name = normalizeLanguage(language);
  if (!name) return [];
  return [languageSupport(name), indentUnit.of(INDENT[name])];
}

function readOnlyExtension(flag) {
  // The content stays focusable and selectable when read-only (so keyboard
  // and screen-reader users can still navigate and copy); only edits are
  // blocked. CodeMirror then sets aria-readonly="true" on the content.
  return EditorState.readOnly.of(!!flag);
}

// Marks transactions made by setValue() so they do not fire onChange.
const programmatic = Annotation.define();

// A clean, light look; the colours of tokens come from defaultHighlightStyle.
const lightTheme = EditorView.theme({
  "&": {
    backgroundColor: "#ffffff",
    color: "#1f2328",
    border: "1px solid #d0d7de",
    borderRadius: "6px",
    fontSize: "14px",
    maxHeight: "70vh",
  },
  "&.cm-focused": {
    outline: "2px solid #0969da",
    outlineOffset: "-1px",
  },
  ".cm-scroller": {
    overflow: "auto",
    fontFamily: 'ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace',
    lineHeight: "1.5",
  },
  ".cm-content, .cm-gutter": {
    minHeight: "320px",
  },
  ".cm-content": {
    caretColor: "#1f2328",
  },
  ".cm-gutters": {
    backgroundColor: "#f6f8fa",
    color: "#6e7781",
    borderRight: "1px solid #d0d7de",
    borderTopLeftRadius: "6px",
    borderBottomLeftRadius: "6px",
  },
  ".cm-activeLine": {
    backgroundColor: "#f3f6fb",
  },
  ".cm-activeLineGutter": {
    backgroundColor: "#e7edf5",
    color: "#1f2328",
  },
  "&.cm-focused .cm-matchingBracket": {
    backgroundColor: "#d4f0dc",
    outline: "1px solid #8fd19e",
  },
  "&.cm-focused .cm-nonmatchingBracket": {
    backgroundColor: "#ffd8d3",
  },
}, { dark: false });

function create(parent, options) {
  if (!parent || typeof parent.appendChild !== "function") {
    throw new TypeError("InterviewPrepEditor.create: parentElement must be a DOM element");
  }
  const opts = options || {};
  const languageConf = new Compartment();
  const readOnlyConf = new Compartment();

  const runKeys = [];
  if (typeof opts.onRun === "function") {
    runKeys.push({ key: "Mod-Enter", run: () => { opts.onRun(); return true; } });
  }
  if (typeof opts.onSubmit === "function") {
    runKeys.push({ key: "Shift-Mod-Enter", run: () => { opts.onSubmit(); return true; } });
  }

  const extensions = [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    history(),
    drawSelection(),
    dropCursor(),
    EditorState.allowMultipleSelections.of(true),
    indentOnInput(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    bracketMatching(),
    closeBrackets(),
    rectangularSelection(),
    crosshairCursor(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    EditorState.tabSize.of(4),
    // Run/Submit come first so they win over Mod-Enter (insertBlankLine)
    // in the default keymap.
    keymap.of(runKeys),
    keymap.of([
      ...closeBracketsKeymap,
      ...defaultKeymap,
      ...searchKeymap,
      ...historyKeymap,
      // Tab indents. Keyboard users leave the editor with Escape then Tab
      // (or toggle tab-focus mode with Ctrl-M / Shift-Alt-M on macOS).
      indentWithTab,
    ]),
    lightTheme,
    EditorView.contentAttributes.of({ "aria-label": String(opts.label || "Code editor") }),
    languageConf.of(languageExtension(opts.language)),
    readOnlyConf.of(readOnlyExtension(opts.readOnly)),
    EditorView.updateListener.of((update) => {
      if (typeof opts.onChange !== "function") return;
      const byUser = update.transactions.some((tr) => tr.docChanged && !tr.annotation(programmatic));
      if (byUser) opts.onChange(update.state.doc.toString());
    }),
  ];
  if (opts.nonce) extensions.push(EditorView.cspNonce.of(String(opts.nonce)));

  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: opts.doc == null ? "" : String(opts.doc),
      extensions,
    }),
  });

  return {
    view,
    getValue() {
      return view.state.doc.toString();
    },
    setValue(text) {
      const insert = text == null ? "" : String(text);
      if (insert === view.state.doc.toString()) return;
      // Kept in the undo history, so a mistaken "reset" can be undone.
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert },
        annotations: programmatic.of(true),
      });
    },
    setLanguage(language) {
      view.dispatch({ effects: languageConf.reconfigure(languageExtension(language)) });
    },
    setReadOnly(flag) {
      view.dispatch({ effects: readOnlyConf.reconfigure(readOnlyExtension(flag)) });
    },
    focus() {
      view.focus();
    },
  };
}

const api = Object.freeze({
  create,
  languages: Object.freeze(LANGUAGES.slice()),
});

window.InterviewPrepEditor = api;
