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
  /**
   * FullStory's Form Privacy: values of inputs, textareas, selects and contenteditable elements
   * are masked unless unmasked. Default true; false records them in clear (password and card
   * fields stay masked).
   */
  formPrivacy?: boolean;
  /** URL privacy: which parameters and patterns are redacted from every URL that leaves. */
  urlPrivacy?: UrlPrivacyOptions;
  /** The visitor's element-level consent at start (the consent classes, docs/privacy.md). Default false. */
  consent?: boolean;
}

/** URL rules (docs/privacy.md, "URL privacy"). */
export interface UrlPrivacyOptions {
  /** More parameter names (or parts of names) whose values are redacted. */
  secretParams?: string[];
  /** Parameter names recorded in clear even when they look secret (exact, case-insensitive). */
  allowParams?: string[];
  /** Regular expressions over the whole URL; every match is replaced. */
  patterns?: Array<string | RegExp>;
  /** Also redact URLs recorded from the DOM (`href`, `src`, …). Default false. */
  attributes?: boolean;
}

/** The compiled rules every part asks before it lets content of the page into an event. */
export interface Privacy {
  /** The node, or an ancestor (across open shadow roots), is excluded: nothing of it may leave. */
  isExcluded(node: Node): boolean;
  /** The node's text or value must be masked (includes password and payment-card fields). */
  isMasked(node: Node): boolean;
  /** Same length and shape (whitespace kept), none of the characters. */
  maskText(text: string): string;
  /** A field value: a fixed-length mask, so its length does not leave either. */
  maskValue(value: string): string;
  /** A URL (or text holding URLs: a stack, a message) with secret parameters redacted. */
  redactUrl(text: string): string;
}
