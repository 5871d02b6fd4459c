import type { Privacy } from '../privacy/types';

const ALPHANUMERIC = /^[A-Za-z0-9]$/;
const BUTTON_INPUT_TYPES = new Set(['button', 'submit', 'reset']);

/**
 * FullStory's selector tokens keep letters and digits and percent-encode every other character of
 * an id or class (`.my%2Dclass`), so a token never needs CSS escaping to be split or matched.
 */
export function encodeSelectorPart(part: string): string {
  let out = '';
  for (const char of part) {
    if (ALPHANUMERIC.test(char)) out += char;
    else if (char.charCodeAt(0) < 0x80) out += `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
    else out += encodeURIComponent(char);
  }
  return out;
}

function parentAcrossShadow(element: Element): Element | null {
  if (element.parentElement) return element.parentElement;
  const root = element.getRootNode();
  return root && 'host' in root ? (root as ShadowRoot).host : null;
}

function elementToken(element: Element): string {
  let token = element.localName;
  const id = element.getAttribute('id');
  if (id) token += `#${encodeSelectorPart(id)}`;
  const classes = (element.getAttribute('class') ?? '').split(/\s+/).filter(Boolean);
  for (const name of classes) token += `.${encodeSelectorPart(name)}`;
  return token;
}

export function asElement(node: Node | null): Element | null {
  if (!node) return null;
  return node.nodeType === 1 ? (node as Element) : node.parentElement;
}

/**
 * The descendant selector from `html` down to the node, FullStory-encoded. Inside an excluded
 * subtree the path stops at the outermost excluded element, and that element contributes only its
 * tag name: its id and classes are attributes, and nothing of an excluded element may leave.
 */
export function selectorToken(node: Node | null, privacy: Privacy): string {
  let element = asElement(node);
  const chain: Element[] = [];
  while (element) {
    chain.unshift(element);
    element = parentAcrossShadow(element);
  }
  const tokens: string[] = [];
  for (const item of chain) {
    if (privacy.isExcluded(item)) {
      tokens.push(item.localName);
      break;
    }
    tokens.push(elementToken(item));
  }
  return tokens.join(' ');
}

function collectText(node: Node, privacy: Privacy, parts: string[]): void {
  if (node.nodeType === 3) {
    parts.push(node.nodeValue ?? '');
    return;
  }
  if (node.nodeType !== 1) return;
  const element = node as Element;
  if (element.localName === 'script' || element.localName === 'style') return;
  if (privacy.isExcluded(element) || privacy.isMasked(element)) return;
  for (let child = element.firstChild; child; child = child.nextSibling) collectText(child, privacy, parts);
}

/**
 * The visible text of a target, whitespace collapsed and capped. Empty for excluded or masked
 * targets; masked or excluded descendants contribute nothing. A button-like input shows its value.
 */
export function targetText(node: Node | null, privacy: Privacy, max: number): string {
  const element = asElement(node);
  if (!element || privacy.isExcluded(element) || privacy.isMasked(element)) return '';
  let text: string;
  if (element.localName === 'input') {
    const type = (element.getAttribute('type') ?? '').toLowerCase();
    text = BUTTON_INPUT_TYPES.has(type) ? ((element as HTMLInputElement).value ?? '') : '';
  } else {
    const parts: string[] = [];
    collectText(element, privacy, parts);
    text = parts.join(' ');
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, max);
}

/**
 * A click's text and selector as read at the click, checked again when its fact leaves (a click
 * waits for its window to close): a target that is excluded or masked by then, itself or through
 * an ancestor, loses its text, and its selector stops at the excluded element. So a fact sent
 * after a site excludes an element never carries what the element showed.
 */
export function stillShown(node: Node | null, read: { text: string; selector: string }, privacy: Privacy): { text: string; selector: string } {
  const element = asElement(node);
  if (!element || (!privacy.isExcluded(element) && !privacy.isMasked(element))) return read;
  return { text: '', selector: selectorToken(element, privacy) };
}

const TEXT_INPUT_TYPES = new Set(['', 'text', 'search', 'email', 'url', 'tel', 'password', 'number']);

/** Text fields whose committed value becomes a `change` fact. */
export function isTextField(node: Node | null): node is HTMLInputElement | HTMLTextAreaElement {
  const element = asElement(node);
  if (!element || element !== node) return false;
  if (element.localName === 'textarea') return true;
  return element.localName === 'input' && TEXT_INPUT_TYPES.has((element.getAttribute('type') ?? '').toLowerCase());
}

/**
 * The click starts something the browser does itself when no script prevents it: following a
 * link to another document, opening it in another window or tab, or downloading.
 */
export function browserHandlesClick(node: Node | null): boolean {
  const link = asElement(node)?.closest('a[href], area[href]') as HTMLAnchorElement | null;
  if (!link) return false;
  if (link.hasAttribute('download')) return true;
  const target = (link.getAttribute('target') ?? '').toLowerCase();
  if (target && target !== '_self') return true;
  const href = (link.getAttribute('href') ?? '').trim();
  return href !== '' && !href.startsWith('#') && !/^javascript:/i.test(href);
}

/** Controls where a click is answered by the browser itself (caret, picker, toggle): never dead, never rage. */
export function isEditableControl(node: Node | null): boolean {
  const element = asElement(node);
  if (!element) return false;
  if ((element as HTMLElement).isContentEditable) return true;
  const name = element.localName;
  if (name === 'textarea' || name === 'select' || name === 'option') return true;
  if (name !== 'input') return false;
  return !BUTTON_INPUT_TYPES.has((element.getAttribute('type') ?? '').toLowerCase());
}
