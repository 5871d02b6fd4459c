/** Privacy rules as the site configures them (docs/privacy.md). */
export interface PrivacyOptions {
  /** CSS selectors of elements never captured (in addition to `.fs-exclude`). */
  exclude?: string[];
  /** CSS selectors whose text and input values are masked (in addition to `.fs-mask`). */
  mask?: string[];
  /** CSS selectors that lift masking (in addition to `.fs-unmask`), e.g. under privateByDefault. */
  unmask?: string[];
  /** Mask all text and input values unless an element is unmasked. */
  privateByDefault?: boolean;
}

/** The compiled rules every part asks before it lets content of the page into an event. */
export interface Privacy {
  /** The node, or an ancestor (across open shadow roots), is excluded: nothing of it may leave. */
  isExcluded(node: Node): boolean;
  /** The node's text or value must be masked (includes password and payment-card fields). */
  isMasked(node: Node): boolean;
  /** Same length and shape (whitespace kept), none of the characters. */
  maskText(text: string): string;
}
