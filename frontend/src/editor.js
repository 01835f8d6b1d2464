// Entry point of static/vendor/codemirror/editor.min.js (built by frontend/build.sh).
//
// Exposes window.InterviewPrepEditor = { create(parent, options), languages, pagePreferences() }.
// The Django templates and the page glue code depend on this API; keep it stable.
//
// The person's editor preferences (font size, tab width, wrapping, Vim/Emacs keys) come from the
// data-editor-* attributes the server renders on <html> (templates/base.html), unless options.preferences
// gives them. Colours are CSS custom properties (static/css/app.css), so the light and dark themes, and
// "follow the system", need no JavaScript here.
//
// With options.collab = { url, user: { name, colour }, onStatus(status) } the text is the Y.Text "text" of a
// Y.Doc shared with the others in the pad through the server at url (src/collab.js): options.doc is
// ignored, undo leaves the other person's edits alone, onChange fires for local edits only and
// options.onRemoteChange(text) after the other person's, and the editor gets collab = { status(),
// reconnect(), disconnect(), doc, text }. See collabSession().

import { Annotation, Compartment, EditorState, Facet, Prec } from "@codemirror/state";
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
  redo,
  undo,
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
import { CodeMirror as VimCodeMirror, vim } from "@replit/codemirror-vim";
import { EmacsHandler, emacs } from "@replit/codemirror-emacs";
import * as Y from "yjs";
import { Awareness } from "y-protocols/awareness";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
import { PadConnection } from "./collab.js";
import { PAD_COLOURS, padCursors, padCursorsTheme } from "./pad-cursors.js";

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

// --- The shared pad (options.collab) ---

// The pad's undo manager, for Vim's and Emacs's undo keys (below).
const padUndoManager = Facet.define({ combine: (values) => values[values.length - 1] || null });

// Vim undoes through CodeMirror's history, which a pad replaces with the Y.UndoManager (that one undoes only
// our own edits, never the other person's). Vim looks its commands up when it runs them, so these wrappers
// send a pad's undo and redo to the pad's undo manager and every other editor's to CodeMirror's history.
const vimUndo = VimCodeMirror.commands.undo;
const vimRedo = VimCodeMirror.commands.redo;
VimCodeMirror.commands.undo = (cm) => {
  const undoManager = cm.cm6.state.facet(padUndoManager);
  if (undoManager) undoManager.undo(); else vimUndo(cm);
};
VimCodeMirror.commands.redo = (cm) => {
  const undoManager = cm.cm6.state.facet(padUndoManager);
  if (undoManager) undoManager.redo(); else vimRedo(cm);
};
// Emacs binds CodeMirror's undo and redo themselves (its key table is shared by all editors): same keys
// as its own table, same choice.
EmacsHandler.bindKey("C-/|C-x u|S-C--|C-z", (view) => {
  const undoManager = view.state.facet(padUndoManager);
  return undoManager ? undoManager.undo() != null : undo(view);
});
EmacsHandler.bindKey("S-C-/|S-C-x u|C--|S-C-z", (view) => {
  const undoManager = view.state.facet(padUndoManager);
  return undoManager ? undoManager.redo() != null : redo(view);
});

const HEX_COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

// What the others see of us: the name on our cursor and its colour (padCursors picks the palette class).
function padUser(user, clientID) {
  const given = String((user && user.colour) || "");
  let colour = HEX_COLOUR.test(given) ? given : PAD_COLOURS[clientID % PAD_COLOURS.length];
  if (colour.length === 4) colour = "#" + colour.slice(1).split("").map((c) => c + c).join("");
  const name = String((user && user.name) || "").trim() || "Anonymous";
  return { name, color: colour };
}

// The pad's state for one editor: the Y.Doc whose Y.Text "text" is the code, the Awareness that carries
// the cursors, the undo manager, and the connection. The server's document is the truth, so the editor
// starts empty and options.doc is ignored (two people putting it in would double it).
function collabSession(config) {
  let url;
  try {
    url = new URL(String(config.url || ""));
  } catch (error) {
    throw new TypeError("InterviewPrepEditor.create: collab.url must be a full ws:// or wss:// URL");
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    throw new TypeError("InterviewPrepEditor.create: collab.url must be a full ws:// or wss:// URL");
  }
  const doc = new Y.Doc();
  const text = doc.getText("text");
  const awareness = new Awareness(doc);
  awareness.setLocalStateField("user", padUser(config.user, doc.clientID));
  const undoManager = new Y.UndoManager(text);
  // True while the connection applies the server's changes: the editor updates they cause are remote.
  let applyingRemote = false;
  let connection = null;
  doc.on("beforeTransaction", (tr) => { if (tr.origin === connection) applyingRemote = true; });
  doc.on("afterTransaction", (tr) => { if (tr.origin === connection) applyingRemote = false; });
  connection = new PadConnection(url.href, { doc, awareness, onStatus: config.onStatus });
  return {
    doc,
    text,
    awareness,
    undoManager,
    connection,
    isApplyingRemote: () => applyingRemote,
    destroy() {
      connection.destroy();
      undoManager.destroy();
      awareness.destroy();
      doc.destroy();
    },
  };
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
  const collab = opts.collab ? collabSession(opts.collab) : null;

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
    // A pad undoes with the Y.UndoManager (yCollab below), which leaves the other person's edits alone.
    collab ? [] : history(),
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
      ...(collab ? yUndoManagerKeymap : historyKeymap),
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
      if (!update.docChanged) return;
      // The other person's edits arrive in updates of their own, made while the connection applies them.
      if (collab && collab.isApplyingRemote()) {
        if (typeof opts.onRemoteChange === "function") opts.onRemoteChange(update.state.doc.toString());
        return;
      }
      if (typeof opts.onChange !== "function") return;
      const byUser = update.transactions.some((tr) => tr.docChanged && !tr.annotation(programmatic));
      if (byUser) opts.onChange(update.state.doc.toString());
    }),
  ];
  if (collab) {
    extensions.push(
      // No awareness for yCollab: it would draw the others' cursors with inline styles, which the CSP
      // blocks; padCursors draws them with classes instead.
      yCollab(collab.text, null, { undoManager: collab.undoManager }),
      padCursors(collab.text, collab.awareness),
      padCursorsTheme,
      padUndoManager.of(collab.undoManager),
    );
  }
  if (opts.nonce) extensions.push(EditorView.cspNonce.of(String(opts.nonce)));

  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: collab ? collab.text.toString() : (opts.doc == null ? "" : String(opts.doc)),
      extensions,
    }),
  });
  // After the view, so that the pad's first status and changes find the editor there.
  if (collab) collab.connection.connect();

  return {
    view,
    getValue() {
      return view.state.doc.toString();
    },
    setValue(text) {
      const insert = text == null ? "" : String(text);
      if (insert === view.state.doc.toString()) return;
      // Kept in the undo history, so a mistaken "reset" can be undone. In a pad, y-codemirror.next turns
      // this one change into one Y.Text transaction (a deletion and an insertion), which the others get whole.
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
    // Closes the pad's connection too; the editor cannot be used after this.
    destroy() {
      view.destroy();
      if (collab) collab.destroy();
    },
    // null without options.collab.
    collab: collab && Object.freeze({
      status: () => collab.connection.status,
      reconnect: () => collab.connection.connect(),
      disconnect: () => collab.connection.disconnect(),
      doc: collab.doc,
      text: collab.text,
    }),
  };
}

const api = Object.freeze({
  create,
  languages: Object.freeze(LANGUAGES.slice()),
  pagePreferences,
});

window.InterviewPrepEditor = api;
