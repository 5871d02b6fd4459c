import { recordedParent, type MutationEnv } from './mutations';
import { CONFLICT, DROP, KEEP, type Verdict } from './pacer';

/**
 * A record that arrived while a walk is paused. Text and attribute changes are read later, as
 * any change, unless the change may exclude a recorded element (the walk may be inside it). A
 * child list change inside a node that has no id yet is read by the walk when it gets there;
 * one in a recorded node cannot be placed against a half-walked tree.
 */
export function judgeRecord(record: MutationRecord, env: MutationEnv): Verdict {
  const { mirror, privacy } = env;
  const { target, attributeName } = record;
  if (attributeName !== null) {
    const changed = mirror.getId(target) !== -1 && privacy.exclusionMayChange(attributeName, (target as Element).getAttribute(attributeName), false);
    return changed ? CONFLICT : KEEP;
  }
  if (record.type === 'characterData') return KEEP;
  const parent = recordedParent(target, env);
  return parent && mirror.getId(parent) !== -1 ? CONFLICT : DROP;
}
