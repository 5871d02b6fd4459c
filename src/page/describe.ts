import { MAX_ARG_DEPTH, MAX_ARG_KEYS, MAX_MESSAGE_TEXT } from './constants';

/**
 * Console arguments as one line of text, bounded whatever they are: strings as they are, errors
 * as `Name: message`, DOM nodes by tag, id and classes only (their text is page content the
 * privacy rules decide on, and the replay shows it), objects and arrays to MAX_ARG_DEPTH levels and
 * MAX_ARG_KEYS entries, a cycle as `[Circular]`; getters that throw never escape. The result is
 * cut to MAX_MESSAGE_TEXT characters.
 */
export function describeArgs(args: unknown[]): string {
  return args.map((arg) => (typeof arg === 'string' ? arg : describe(arg, 0, []))).join(' ').slice(0, MAX_MESSAGE_TEXT);
}

function describe(value: unknown, depth: number, parents: object[]): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, MAX_MESSAGE_TEXT));
  if (typeof value === 'function') return `[Function ${value.name || 'anonymous'}]`;
  if (typeof value !== 'object' || value === null) return String(value);
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof (value as Node).nodeType === 'number' && typeof (value as Node).nodeName === 'string') {
    const element = value as Element;
    const id = element.id ? `#${element.id}` : '';
    const classes = typeof element.className === 'string' && element.className ? `.${element.className.trim().split(/\s+/).join('.')}` : '';
    return `<${element.nodeName.toLowerCase()}${id}${classes}>`;
  }
  if (parents.includes(value)) return '[Circular]';
  const array = Array.isArray(value);
  if (depth >= MAX_ARG_DEPTH) return array ? '[Array]' : '[Object]';
  const keys = Object.keys(value);
  const inner = [...parents, value];
  const parts = keys.slice(0, MAX_ARG_KEYS).map((key) => {
    let item: string;
    try {
      item = describe((value as Record<string, unknown>)[key], depth + 1, inner);
    } catch {
      item = '[Thrown]';
    }
    return array ? item : `${key}: ${item}`;
  });
  if (keys.length > MAX_ARG_KEYS) parts.push('…');
  return array ? `[${parts.join(', ')}]` : `{${parts.join(', ')}}`;
}
