// Entry point of static/vendor/codemirror/editor.min.js (built by frontend/build.sh).
//
// Exposes window.InterviewPrepEditor = { create(parent, options), languages, pagePreferences() }.
// The Django templates and the page glue code depend on this API; keep it stable.
//
// The person's editor preferences (font size, tab width, wrapping, Vim/Emacs keys) come from the
// data-editor-* attributes the server renders on <html> (templates/base.html), unless options.preferences
// gives them. Colours are CSS custom properties (static/css/app.css), so the light and dark themes, and
// "follow the system", need no JavaScript here.

import { Annotation, Compartment, EditorState, Prec } from "@codemirror/state";
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
  HighlightStyle,
  bracketMatching,
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
import { tags } from "@lezer/highlight";
import { vim } from "@replit/codemirror-vim";
import { emacs } from "@replit/codemirror-emacs";

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

// A chosen tab width replaces the language's usual indentation (Python with 2 spaces is fine too).
function languageExtension(language, tabWidth) {
  const name = normalizeLanguage(language);
  const width = tabWidth || 4;
  const unit = tabWidth ? " ".repeat(tabWidth) : (name ? INDENT[name] : "    ");
  const extensions = [EditorState.tabSize.of(width), indentUnit.of(unit)];
  if (name) extensions.push(languageSupport(name));
  return extensions;
}

function readOnlyExtension(flag) {
  // The content stays focusable and selectable when read-only (so keyboard
  // and screen-reader users can still navigate and copy); only edits are
  // blocked. CodeMirror then sets aria-readonly="true" on the content.
  return EditorState.readOnly.of(!!flag);
}

// Marks transactions made by setValue() so they do not fire onChange.
const programmatic = Annotation.define();

// The look, in the page's colours: every value is a custom property of static/css/app.css, where each
// one is a light/dark pair, so the editor follows the page's theme (and the system's, live).
const pageTheme = EditorView.theme({
  "&": {
    backgroundColor: "var(--surface)",
    color: "var(--text)",
    border: "1px solid var(--border)",
    borderRadius: "6px",
    maxHeight: "70vh",
  },
  "&.cm-focused": {
    outline: "2px solid var(--accent)",
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
    caretColor: "var(--text)",
  },
  ".cm-cursor, .cm-dropCursor": {
    borderLeftColor: "var(--text)",
  },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection": {
    backgroundColor: "var(--editor-selection)",
  },
  ".cm-gutters": {
    backgroundColor: "var(--code-bg)",
    color: "var(--muted)",
    borderRight: "1px solid var(--border)",
    borderTopLeftRadius: "6px",
    borderBottomLeftRadius: "6px",
  },
  ".cm-activeLine": {
    backgroundColor: "var(--editor-active-line)",
  },
  ".cm-activeLineGutter": {
    backgroundColor: "var(--sunken)",
    color: "var(--text)",
  },
  "&.cm-focused .cm-matchingBracket": {
    backgroundColor: "var(--editor-bracket)",
    outline: "1px solid var(--ok-border)",
  },
  "&.cm-focused .cm-nonmatchingBracket": {
    backgroundColor: "var(--danger-bg)",
  },
  ".cm-panels": {
    backgroundColor: "var(--surface-alt)",
    color: "var(--text)",
  },
  // The Vim status line (mode, pending keys, ":" commands).
  ".cm-vim-panel, .cm-vim-panel input": {
    fontFamily: "var(--mono)",
    color: "var(--text)",
    backgroundColor: "var(--surface-alt)",
  },
});

// Token colours, also custom properties (each pair checked for WCAG AA contrast on --surface).
const pageHighlightStyle = HighlightStyle.define([
  { tag: [tags.keyword, tags.operatorKeyword, tags.controlKeyword, tags.definitionKeyword, tags.moduleKeyword],
    color: "var(--tok-keyword)" },
  { tag: [tags.string, tags.special(tags.string), tags.regexp, tags.character], color: "var(--tok-string)" },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: "var(--tok-number)" },
  { tag: [tags.comment, tags.lineComment, tags.blockComment, tags.docComment], color: "var(--tok-comment)",
    fontStyle: "italic" },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName), tags.definition(tags.function(tags.variableName))],
    color: "var(--tok-function)" },
  { tag: [tags.typeName, tags.className, tags.namespace, tags.standard(tags.typeName)], color: "var(--tok-type)" },
  { tag: [tags.meta, tags.processingInstruction], color: "var(--tok-comment)" },
  { tag: tags.invalid, color: "var(--tok-invalid)" },
  { tag: tags.heading, fontWeight: "bold" },
  { tag: tags.emphasis, fontStyle: "italic" },
  { tag: tags.strong, fontWeight: "bold" },
]);

const FONT_SIZES = { min: 11, max: 24, fallback: 14 };
const TAB_WIDTHS = [2, 4, 8];
const KEY_MAPS = { vim: () => vim(), emacs: () => emacs() };

// The person's preferences as the server rendered them on <html> (templates/base.html).
function pagePreferences() {
  const data = (typeof document !== "undefined" && document.documentElement.dataset) || {};
  return {
    fontSize: Number(data.editorFontSize),
    tabWidth: Number(data.editorTabWidth),
    wrap: data.editorWrap === "on",
    keys: data.editorKeys,
  };
}

// Checked values: a bad attribute falls back to the default rather than breaking the editor.
function normalizePreferences(prefs) {
  const p = prefs || {};
  const size = Number(p.fontSize);
  const width = Number(p.tabWidth);
  return {
    fontSize: size >= FONT_SIZES.min && size <= FONT_SIZES.max ? size : FONT_SIZES.fallback,
    tabWidth: TAB_WIDTHS.indexOf(width) >= 0 ? width : null, // null: the language's own indentation
    wrap: !!p.wrap,
    keys: Object.prototype.hasOwnProperty.call(KEY_MAPS, p.keys) ? p.keys : "default",
  };
}

function layoutExtension(prefs) {
  const extensions = [EditorView.theme({ "&": { fontSize: `${prefs.fontSize}px` } })];
  if (prefs.wrap) extensions.push(EditorView.lineWrapping);
  return extensions;
}

function keysExtension(prefs) {
  // Vim and Emacs must see keys before every other key map (their documentation asks for it).
  return prefs.keys === "default" ? [] : Prec.highest(KEY_MAPS[prefs.keys]());
}

function create(parent, options) {
  if (!parent || typeof parent.appendChild !== "function") {
    throw new TypeError("InterviewPrepEditor.create: parentElement must be a DOM element");
  }
  const opts = options || {};
  const languageConf = new Compartment();
  const readOnlyConf = new Compartment();
  const layoutConf = new Compartment();
  const keysConf = new Compartment();
  let prefs = normalizePreferences(opts.preferences || pagePreferences());
  let language = opts.language;

  const runKeys = [];
  if (typeof opts.onRun === "function") {
    runKeys.push({ key: "Mod-Enter", run: () => { opts.onRun(); return true; } });
  }
  if (typeof opts.onSubmit === "function") {
    runKeys.push({ key: "Shift-Mod-Enter", run: () => { opts.onSubmit(); return true; } });
  }

  const extensions = [
    keysConf.of(keysExtension(prefs)),
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    history(),
    drawSelection(),
    dropCursor(),
    EditorState.allowMultipleSelections.of(true),
    indentOnInput(),
    syntaxHighlighting(pageHighlightStyle),
    bracketMatching(),
    closeBrackets(),
    rectangularSelection(),
    crosshairCursor(),
    highlightActiveLine(),
    highlightSelectionMatches(),
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
    pageTheme,
    layoutConf.of(layoutExtension(prefs)),
    EditorView.contentAttributes.of({ "aria-label": String(opts.label || "Code editor") }),
    languageConf.of(languageExtension(language, prefs.tabWidth)),
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
    setLanguage(name) {
      language = name;
      view.dispatch({ effects: languageConf.reconfigure(languageExtension(language, prefs.tabWidth)) });
    },
    // New preferences (same shape as pagePreferences()) without recreating the editor.
    setPreferences(next) {
      prefs = normalizePreferences(next);
      view.dispatch({ effects: [
        layoutConf.reconfigure(layoutExtension(prefs)),
        keysConf.reconfigure(keysExtension(prefs)),
        languageConf.reconfigure(languageExtension(language, prefs.tabWidth)),
      ] });
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
  pagePreferences,
});

window.InterviewPrepEditor = api;
