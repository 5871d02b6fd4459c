import type { addedNodeMutation, attributes as SerializedAttributes, serializedNodeWithId } from '@rrweb/types';
import { EXCLUDED, MASKED, type PrivacyRules } from '../privacy';
import { NodeType } from '../lib/rrweb';
import type { RecorderMirror } from './mirror';
import { dialogOpenMode, recordedAttribute } from './attributes';
import { resolveCssUrls } from './urls';
import { runToEnd, UNPACED, type Pace, type Walk } from './slices';

const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';
const CHECKABLE_TYPES = new Set(['checkbox', 'radio']);

/** What serialization needs from the document recorder; one scope per recorded document. */
export interface SerializeScope {
  doc: Document;
  /** The recorded document's id when it is a frame's document (rrweb's rootId), else undefined. */
  rootId: number | undefined;
  mirror: RecorderMirror;
  privacy: PrivacyRules;
  /** Ids of elements serialized as placeholders, so a later rule change can be detected. */
  placeholders: Set<number>;
  /** Template content fragments, mapped to their template element (their recorded parent). */
  templates: WeakMap<Node, Element>;
  /** A shadow root or template content entered the recording: its mutations must be observed. */
  observe(root: Node): void;
  /** A same-origin-capable iframe entered the recording: its document is attached afterwards. */
  foundFrame(frame: HTMLIFrameElement): void;
  reportError(error: unknown): void;
}

type Described = {
  node: serializedNodeWithId;
  children: ParentNode | null;
  shadow: ShadowRoot | null;
  masked: boolean;
  placeholder?: true;
};

/** The node and its subtree as one nested tree, at once (a frame's document). */
export function serializeTree(node: Node, masked: boolean, scope: SerializeScope): serializedNodeWithId | null {
  return runToEnd(walkTree(node, masked, scope, UNPACED));
}

/**
 * The node and its subtree as one nested tree (the full snapshot), in slices: walked as flat
 * adds (one walk for both), then nested. Ids are consecutive in the order of `adds`, so a
 * node's parent is found by its id; each list was added last sibling first, light children
 * right after shadow ones, so reading the adds backwards gives rrweb's order (light, then
 * `isShadow`).
 */
export function* walkTree(root: Node, masked: boolean, scope: SerializeScope, pace: Pace): Walk<serializedNodeWithId | null> {
  const adds: addedNodeMutation[] = [];
  yield* walkAdds(root, root, 0, null, false, masked, scope, adds, pace);
  if (!adds.length) return null;
  const first = adds[0].node.id;
  const children = (i: number) => (adds[i].node as { childNodes?: serializedNodeWithId[] }).childNodes;
  for (let i = adds.length - 1; i > 0; i--) {
    if (pace.due()) yield;
    children(adds[i].parentId - first)?.push(adds[i].node);
  }
  return adds[0].node;
}

/**
 * The siblings `first`…`last` and their subtrees as flat `adds` (rrweb's Replayer builds each add
 * without children), in slices (between two nodes it yields when `pace` says so). Each child list is added from last to first, so
 * every add's parent and next sibling exist in the replay before it; lists are taken in document
 * order, depth first (a host's shadow children before its light ones), so siblings get
 * consecutive ids and ids stay as short as rrweb's own order makes them.
 */
export function* walkAdds(
  first: Node,
  last: Node,
  parentId: number,
  nextId: number | null,
  isShadow: boolean,
  masked: boolean,
  scope: SerializeScope,
  adds: addedNodeMutation[],
  pace: Pace,
): Walk<void> {
  // Popped in document order: each list is pushed last sibling first.
  const pending: Described[] = [];
  // The list being added, from `child` back to `stop` (null: to the first child).
  let child: Node | null = last;
  let stop: Node | null = first;
  let lightAfter: Described | null = null;
  for (;;) {
    for (; child; child = child.previousSibling) {
      if (pace.due()) yield;
      const described = describe(child, masked, scope);
      if (described) {
        if (isShadow) described.node.isShadow = true;
        adds.push({ parentId, nextId, node: described.node });
        nextId = described.node.id;
        if (described.children || described.shadow) pending.push(described);
      }
      if (child === stop) break;
    }
    // The next list: a host's light children after its shadow children, else the next pending node's.
    const parent: Described | undefined = lightAfter ?? pending.pop();
    if (!parent) return;
    const shadowList: Node | null | undefined = lightAfter ? null : parent.shadow?.lastChild;
    lightAfter = shadowList ? parent : null;
    child = shadowList ?? parent.children?.lastChild ?? null;
    stop = null;
    parentId = parent.node.id;
    nextId = null;
    isShadow = !!shadowList;
    masked = parent.masked;
  }
}

/**
 * One node without its children, given an id. A node whose properties throw (a hostile page)
 * is left out and reported; its id is assigned only after every read succeeded.
 */
function describe(node: Node, masked: boolean, scope: SerializeScope): Described | null {
  try {
    const described = describeNode(node, masked, scope);
    if (!described) return null;
    described.node.id = scope.mirror.assign(node);
    if (described.placeholder) scope.placeholders.add(described.node.id);
    if (scope.rootId !== undefined && described.node.type !== NodeType.Document) described.node.rootId = scope.rootId;
    return described;
  } catch (error) {
    scope.reportError(error);
    return null;
  }
}

function describeNode(node: Node, masked: boolean, scope: SerializeScope): Described | null {
  switch (node.nodeType) {
    case 1:
      return describeElement(node as Element, masked, scope);
    case 3:
      return leaf({ type: NodeType.Text, textContent: textValue(node as Text, masked, scope), id: 0 }, masked);
    case 8:
      // Comments are never shown; their text is left out (it may be anything).
      return leaf({ type: NodeType.Comment, textContent: '', id: 0 }, masked);
    case 4:
      return leaf({ type: NodeType.CDATA, textContent: '', id: 0 }, masked);
    case 9: {
      const doc = node as Document;
      const serialized: serializedNodeWithId = { type: NodeType.Document, childNodes: [], id: 0 };
      if (doc.compatMode !== 'CSS1Compat') serialized.compatMode = doc.compatMode;
      return { node: serialized, children: doc, shadow: null, masked };
    }
    case 10: {
      const doctype = node as DocumentType;
      return leaf({ type: NodeType.DocumentType, name: doctype.name, publicId: doctype.publicId, systemId: doctype.systemId, id: 0 }, masked);
    }
    default:
      return null;
  }
}

function leaf(node: serializedNodeWithId, masked: boolean): Described {
  return { node, children: null, shadow: null, masked };
}

/** What a text node records: script source never, masked text where the rules say. */
export function textValue(text: Text, masked: boolean, scope: SerializeScope): string {
  const parent = text.parentNode as Element | null;
  const parentTag = parent && parent.nodeType === 1 ? parent.localName : '';
  if (parentTag === 'script') return '';
  if (parentTag === 'style') return resolveCssUrls(text.data, scope.doc.baseURI);
  return masked ? scope.privacy.maskText(text.data) : text.data;
}

function describeElement(element: Element, parentMasked: boolean, scope: SerializeScope): Described {
  const tagName = element.localName;
  const isSVG = element.namespaceURI === SVG_NAMESPACE;
  const decision = scope.privacy.classify(element, parentMasked);
  if (decision === EXCLUDED) return { ...leaf(placeholder(element, tagName, isSVG), true), placeholder: true };
  const masked = decision === MASKED;
  const attributes: SerializedAttributes = {};
  // Names, then values: reading `element.attributes` makes an Attr object per attribute.
  for (const name of element.getAttributeNames()) {
    const value = recordedAttribute(element, name, element.getAttribute(name)!, scope.doc, scope.privacy, masked);
    if (value !== undefined) attributes[name] = value;
  }
  let children: ParentNode | null = element;
  switch (tagName) {
    case 'input':
      describeInput(element as HTMLInputElement, attributes, masked, scope);
      break;
    case 'textarea':
      // The value is the content; the child text is only its default.
      attributes.value = maskedValue((element as HTMLTextAreaElement).value, masked, scope);
      children = null;
      break;
    case 'dialog':
      if ((element as HTMLDialogElement).open) attributes.rr_open_mode = dialogOpenMode(element);
      break;
    case 'option':
      if ((element as HTMLOptionElement).selected) attributes.selected = true;
      else delete attributes.selected;
      break;
    case 'iframe':
      // Its document is attached separately (recording.ts); src and srcdoc are never recorded.
      scope.foundFrame(element as HTMLIFrameElement);
      break;
    case 'template': {
      const content = (element as HTMLTemplateElement).content;
      if (content) {
        scope.templates.set(content, element);
        scope.observe(content);
        children = content;
      }
      break;
    }
    case 'style':
    case 'link':
      inlineSheet(element as HTMLStyleElement | HTMLLinkElement, attributes, scope);
      break;
  }
  const serialized: serializedNodeWithId = { type: NodeType.Element, tagName, attributes, childNodes: [], id: 0 };
  if (isSVG) serialized.isSVG = true;
  if (tagName.includes('-') && scope.doc.defaultView?.customElements?.get(tagName)) serialized.isCustom = true;
  const shadow = element.shadowRoot;
  if (shadow) {
    serialized.isShadowHost = true;
    scope.observe(shadow);
  }
  return { node: serialized, children, shadow, masked };
}

/** An input records its live state; its value attribute was recorded (or left out) by recordedAttribute. */
function describeInput(input: HTMLInputElement, attributes: SerializedAttributes, masked: boolean, scope: SerializeScope): void {
  const type = String(attributes.type ?? '').toLowerCase();
  if (type === 'hidden') return;
  if (CHECKABLE_TYPES.has(type)) {
    if (input.checked) attributes.checked = true;
    else delete attributes.checked;
  } else {
    const value = input.value;
    if (value || 'value' in attributes) attributes.value = maskedValue(value, masked, scope);
  }
}

function maskedValue(value: string, masked: boolean, scope: SerializeScope): string {
  return masked ? scope.privacy.maskValue(value) : value;
}

/** rrweb's blocked-element convention: tag and box size only, nothing the page wrote. */
function placeholder(element: Element, tagName: string, isSVG: boolean): serializedNodeWithId {
  const box = element.getBoundingClientRect();
  const node: serializedNodeWithId = {
    type: NodeType.Element,
    tagName,
    attributes: { rr_width: `${box.width}px`, rr_height: `${box.height}px` },
    childNodes: [],
    id: 0,
  };
  if (isSVG) node.isSVG = true;
  return node;
}

/**
 * Stylesheets whose rules are not in the markup travel as rrweb's `_cssText`: a loaded
 * <link> (the replay may not be able to fetch it) and an empty <style> filled through the CSSOM
 * (what CSS-in-JS libraries do), so rules inserted before recording started still replay.
 * A <style> with text keeps its text child, which later text mutations update.
 */
function inlineSheet(element: HTMLStyleElement | HTMLLinkElement, attributes: SerializedAttributes, scope: SerializeScope): void {
  const isLink = element.localName === 'link';
  if (isLink ? !/(^|\s)stylesheet(\s|$)/i.test(element.getAttribute('rel') ?? '') : (element.textContent ?? '').trim()) return;
  const cssText = sheetText(element.sheet);
  if (!cssText) return;
  attributes._cssText = resolveCssUrls(cssText, element.sheet?.href ?? scope.doc.baseURI);
  if (isLink) {
    delete attributes.href;
    delete attributes.rel;
  }
}

function sheetText(sheet: CSSStyleSheet | null): string | null {
  if (!sheet) return null;
  try {
    const rules = sheet.cssRules;
    let text = '';
    for (let i = 0; i < rules.length; i++) text += rules[i].cssText;
    return text;
  } catch {
    // A cross-origin sheet without CORS: the replay loads it by URL instead.
    return null;
  }
}
