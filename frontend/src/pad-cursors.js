// The other people's cursors and selections in a shared pad, each labelled with their name.
//
// y-codemirror.next draws these itself, but colours them with inline style attributes, which the
// app's Content-Security-Policy (no 'unsafe-inline' styles) blocks. Here every colour is a class of a
// fixed palette, styled by an EditorView theme (injected with the page's nonce), and names are text.
import { Annotation } from "@codemirror/state";
import { Decoration, EditorView, ViewPlugin, WidgetType } from "@codemirror/view";
import * as Y from "yjs";

// The server's colours for the two roles come first (sessions/live/pads.py), then spares.
export const PAD_COLOURS = ["#1f6feb", "#c2410c", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b",
  "#e377c2", "#7f7f7f", "#17becf"];

const refresh = Annotation.define(); // "someone else's cursor moved": redraw

function colourIndex(user, clientID) {
  const index = PAD_COLOURS.indexOf(String((user && user.color) || "").toLowerCase());
  return index >= 0 ? index : clientID % PAD_COLOURS.length;
}

const paletteRules = {};
PAD_COLOURS.forEach((colour, i) => {
  paletteRules[`.cm-padSelection-${i}`] = { backgroundColor: colour + "33" };
  paletteRules[`.cm-padCaret-${i}`] = { borderLeftColor: colour };
  paletteRules[`.cm-padCaret-${i} .cm-padName`] = { backgroundColor: colour };
});

export const padCursorsTheme = EditorView.theme({
  ...paletteRules,
  ".cm-padCaret": {
    position: "relative", borderLeft: "2px solid", marginLeft: "-1px", marginRight: "-1px", boxSizing: "border-box",
  },
  ".cm-padName": {
    position: "absolute", top: "-1.35em", left: "-2px", padding: "0 4px", borderRadius: "3px",
    color: "#fff", fontFamily: "system-ui, sans-serif", fontSize: "0.75em", lineHeight: "1.35em",
    whiteSpace: "nowrap", pointerEvents: "none", userSelect: "none", zIndex: "10",
  },
  // On the first line a label above the cursor would be cut off by the editor's edge.
  ".cm-line:first-child .cm-padName": { top: "1.35em" },
});

class Caret extends WidgetType {
  constructor(name, index) {
    super();
    this.name = name;
    this.index = index;
  }

  eq(other) {
    return other.name === this.name && other.index === this.index;
  }

  toDOM() {
    const caret = document.createElement("span");
    caret.className = `cm-padCaret cm-padCaret-${this.index}`;
    caret.setAttribute("aria-hidden", "true");
    const label = document.createElement("span");
    label.className = "cm-padName";
    label.textContent = this.name; // text, never markup: a name is whatever its owner typed
    caret.append("\u2060", label);
    return caret;
  }

  ignoreEvent() {
    return true;
  }
}

function relative(ytext, index) {
  return Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(ytext, index));
}

function absolute(ytext, json, length) {
  const position = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), ytext.doc);
  return position && position.type === ytext ? Math.min(position.index, length) : null;
}

// Publishes our cursor in the awareness state ("cursor": anchor and head as Yjs relative positions, so
// they survive the other person's edits) and draws everyone else's.
export function padCursors(ytext, awareness) {
  return ViewPlugin.fromClass(class {
    constructor(view) {
      this.view = view;
      this.decorations = Decoration.none;
      this.published = null;
      this.onAwareness = ({ added, updated, removed }) => {
        const others = added.concat(updated, removed).some((id) => id !== awareness.clientID);
        // After the current update (awareness changes can fire while the editor is updating).
        if (others) queueMicrotask(() => { if (this.view) this.view.dispatch({ annotations: refresh.of(true) }); });
      };
      awareness.on("change", this.onAwareness);
    }

    destroy() {
      awareness.off("change", this.onAwareness);
      this.view = null;
    }

    update(update) {
      this.publish(update);
      this.decorations = this.draw(update.state);
    }

    publish(update) {
      const focused = update.view.hasFocus && update.view.dom.ownerDocument.hasFocus();
      const { anchor, head } = update.state.selection.main;
      const key = focused ? `${anchor}:${head}:${update.state.doc.length}` : null;
      if (key === this.published || (!update.selectionSet && !update.docChanged && !update.focusChanged)) return;
      this.published = key;
      awareness.setLocalStateField("cursor", focused ? { anchor: relative(ytext, anchor), head: relative(ytext, head) } : null);
    }

    draw(state) {
      const length = state.doc.length;
      const ranges = [];
      awareness.getStates().forEach((peer, clientID) => {
        const cursor = peer.cursor;
        if (clientID === awareness.clientID || !cursor || !cursor.anchor || !cursor.head) return;
        const anchor = absolute(ytext, cursor.anchor, length);
        const head = absolute(ytext, cursor.head, length);
        if (anchor === null || head === null) return;
        const index = colourIndex(peer.user, clientID);
        const name = String((peer.user && peer.user.name) || "Someone").slice(0, 60);
        if (anchor !== head) {
          ranges.push(Decoration.mark({ class: `cm-padSelection cm-padSelection-${index}` })
            .range(Math.min(anchor, head), Math.max(anchor, head)));
        }
        ranges.push(Decoration.widget({ widget: new Caret(name, index), side: head > anchor ? -1 : 1 }).range(head));
      });
      return Decoration.set(ranges, true);
    }
  }, { decorations: (plugin) => plugin.decorations });
}
