/**
 * A DOM-normalizing comparison for replay fidelity. The same function runs in the recorded page
 * (live DOM, told which selectors exclude and mask) and in the replay page (rrweb's rebuilt DOM),
 * and turns a subtree into plain data that `toEqual` can compare:
 *
 * - elements: tag, sorted attributes, children; open shadow roots as `shadow`; a same-origin
 *   frame's body as `frame`; template content as children (rrweb rebuilds it as children);
 * - form fields: the current value/checked state instead of the attributes (what a user sees),
 *   masked where the rules mask it, '' for hidden inputs (never recorded);
 * - an excluded element: `{ tag, excluded: true }` on the live side; on the replay side an
 *   element with no content and only a width/height style is what a placeholder looks like;
 * - ignored: scripts, styles, comments, empty text, attributes the player sets itself
 *   (autocomplete on fields) or that the recorder drops on purpose (iframe src).
 *
 * It is kept as source text so it runs unchanged in the page (no bundler helpers in it).
 */
export const NORMALIZE_SOURCE = String.raw`
window.__normalizeDom = function (root, options) {
  options = options || {};
  var replay = !!options.replay;
  var URL_ATTRIBUTES = { src: 1, href: 1, poster: 1, action: 1 };
  var FIELD_STATE = { value: 1, checked: 1, selected: 1, autocomplete: 1 };
  function maskText(text) { return text.replace(/\S/g, '*'); }
  // Field values are masked to a fixed length (src/privacy/rules.ts, MASKED_VALUE_LENGTH).
  function maskValue(value) { return value ? '********' : value; }
  function matches(el, selector) { return !!selector && el.matches(selector); }
  function alwaysMasked(el) {
    return (el.getAttribute('type') || '').toLowerCase() === 'password' ||
      /(^|\s)cc-/.test((el.getAttribute('autocomplete') || '').toLowerCase());
  }
  function looksLikePlaceholder(el) {
    if (el.childNodes.length || (el.shadowRoot && el.shadowRoot.childNodes.length)) return false;
    for (var i = 0; i < el.attributes.length; i++) {
      var attributeName = el.attributes[i].name;
      // The player adds autocomplete=off to fields and :hover while it replays the pointer.
      if (attributeName !== 'style' && attributeName !== 'autocomplete' && !(attributeName === 'class' && el.className === ':hover')) return false;
    }
    var style = el.getAttribute('style') || '';
    return /width/.test(style) && /height/.test(style);
  }
  function list(nodes, masked) {
    var out = [];
    for (var i = 0; i < nodes.length; i++) {
      var item = node(nodes[i], masked);
      if (item === null || item === '') continue;
      if (typeof item === 'string' && typeof out[out.length - 1] === 'string') out[out.length - 1] += item;
      else out.push(item);
    }
    return out;
  }
  function node(n, masked) {
    if (n.nodeType === 3) return masked ? maskText(n.data) : n.data;
    if (n.nodeType !== 1) return null;
    var tag = n.localName;
    if (tag === 'script' || tag === 'style' || tag === 'link') return null;
    if (replay ? looksLikePlaceholder(n) && options.placeholders !== false : matches(n, options.exclude)) return { tag: tag, excluded: true };
    var isMasked = masked || matches(n, options.mask);
    var isField = tag === 'input' || tag === 'textarea' || tag === 'select' || tag === 'option';
    var attrs = [];
    for (var i = 0; i < n.attributes.length; i++) {
      var name = n.attributes[i].name, value = n.attributes[i].value;
      if (isField && FIELD_STATE[name]) continue;
      if (tag === 'iframe' && (name === 'src' || name === 'srcdoc')) continue;
      // rrweb's own marker of how a dialog was opened; the probe of the dialog test checks its effect.
      if (replay && name === 'rr_open_mode') continue;
      if (replay && name === 'class') {
        value = value.split(/\s+/).filter(function (token) { return token && token !== ':hover'; }).join(' ');
        if (!value) continue;
      }
      if (URL_ATTRIBUTES[name] && value && value[0] !== '#') {
        try { value = new URL(value, n.ownerDocument.baseURI).href; } catch (e) {}
      }
      attrs.push([name, value]);
    }
    attrs.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
    var out = { tag: tag, attrs: attrs };
    var fieldMasked = isMasked || (tag !== 'option' && isField && alwaysMasked(n));
    if (tag === 'input') {
      if (n.type === 'checkbox' || n.type === 'radio') out.checked = n.checked;
      else if (replay) out.value = n.value;
      else out.value = n.type === 'hidden' ? '' : fieldMasked ? maskValue(n.value) : n.value;
    } else if (tag === 'textarea') {
      out.value = replay || !fieldMasked ? n.value : maskValue(n.value);
      return out;
    } else if (tag === 'option') {
      out.selected = n.selected;
    }
    var kids = [];
    if (tag === 'template') kids = kids.concat(Array.prototype.slice.call(n.content.childNodes));
    kids = kids.concat(Array.prototype.slice.call(n.childNodes));
    out.children = list(kids, fieldMasked && tag === 'select' ? true : isMasked);
    if (n.shadowRoot) out.shadow = list(n.shadowRoot.childNodes, isMasked);
    if (tag === 'iframe') {
      try {
        var doc = n.contentDocument;
        if (doc && doc.body) out.frame = node(doc.body, isMasked);
      } catch (e) {}
    }
    return out;
  }
  return node(root, false);
};
`;

export interface NormalizeOptions {
  /** Live side: the selector list that the recording excluded. */
  exclude?: string;
  /** Live side: the selector list whose text and values the recording masked. */
  mask?: string;
  replay?: boolean;
}

/** Plain data for one element, as NORMALIZE_SOURCE produces it. */
export type NormalizedNode =
  | string
  | { tag: string; excluded: true }
  | {
      tag: string;
      attrs: Array<[string, string]>;
      children?: NormalizedNode[];
      shadow?: NormalizedNode[];
      frame?: NormalizedNode;
      value?: string;
      checked?: boolean;
      selected?: boolean;
    };
