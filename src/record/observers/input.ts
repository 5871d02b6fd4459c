import { IncrementalSource } from '../../lib/rrweb';
import type { RecordContext } from '../types';
import { patchSetter } from '../../lib/patch-setter';
import { listen, stopAll, type Stop } from './listen';
import type { Roots } from './roots';
import { eventTarget, idOf } from './target';

type FormField = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
type FieldWindow = Window & typeof globalThis;

const FIELD_TAGS = new Set(['INPUT', 'TEXTAREA', 'SELECT']);
const CHECKABLE = new Set(['checkbox', 'radio']);

/**
 * Property setters through which scripts change what a field shows without any input event:
 * rrweb's player needs them too, or a field set by code replays empty.
 */
const PROGRAMMATIC_SETTERS: Array<[keyof Pick<FieldWindow, 'HTMLInputElement' | 'HTMLTextAreaElement' | 'HTMLSelectElement'>, string]> = [
  ['HTMLInputElement', 'value'],
  ['HTMLInputElement', 'checked'],
  ['HTMLTextAreaElement', 'value'],
  ['HTMLSelectElement', 'value'],
  ['HTMLSelectElement', 'selectedIndex'],
];

function isField(node: Node | null): node is FormField {
  return !!node && node.nodeType === 1 && FIELD_TAGS.has((node as Element).tagName);
}

/**
 * Field values: typed text, checked state and selections, from user input and from scripts.
 * Hidden inputs and excluded fields produce nothing; masked fields send masked text only.
 * One event per actual change of a field's state.
 */
export function observeInput(ctx: RecordContext, roots: Roots): Stop {
  const lastState = new WeakMap<FormField, { text: string; isChecked: boolean }>();

  const record = (field: FormField, userTriggered: boolean) => {
    if (field.ownerDocument !== ctx.doc) return;
    if (field.tagName === 'INPUT' && (field as HTMLInputElement).type === 'hidden') return;
    if (ctx.privacy.isExcluded(field)) return;
    const id = idOf(ctx, field);
    if (id === -1) return;
    const checkable = field.tagName === 'INPUT' && CHECKABLE.has((field as HTMLInputElement).type);
    const isChecked = checkable ? (field as HTMLInputElement).checked : false;
    const text = ctx.privacy.isMasked(field) ? ctx.privacy.maskValue(field.value) : field.value;
    const previous = lastState.get(field);
    if (previous && previous.text === text && previous.isChecked === isChecked) return;
    lastState.set(field, { text, isChecked });
    ctx.emitIncremental({ source: IncrementalSource.Input, id, text, isChecked, userTriggered });
    if (checkable && isChecked && (field as HTMLInputElement).type === 'radio') recordRadioGroup(field as HTMLInputElement);
  };

  // Checking a radio silently unchecks the others of its group; the player must see that too.
  const recordRadioGroup = (radio: HTMLInputElement) => {
    if (!radio.name) return;
    const root = radio.getRootNode() as Document | ShadowRoot;
    for (const other of Array.from(root.querySelectorAll<HTMLInputElement>('input[type="radio"]'))) {
      if (other !== radio && other.name === radio.name && other.form === radio.form) record(other, false);
    }
  };

  roots.each((root) => {
    const onEvent = (event: Event) => {
      const target = eventTarget(event);
      if (isField(target)) record(target, event.isTrusted);
    };
    return stopAll(ctx, [listen(ctx, root, 'input', onEvent), listen(ctx, root, 'change', onEvent)]);
  });

  const win = ctx.win as FieldWindow;
  const stops = PROGRAMMATIC_SETTERS.map(([constructorName, property]) =>
    patchSetter(win[constructorName]?.prototype as FormField | undefined, property, ctx.reportError, (field) => record(field, false)),
  );
  return stopAll(ctx, stops);
}
