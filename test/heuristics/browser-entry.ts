// What the scenario pages load: openstory's recorder, privacy rules and the stages under test.
export { startHeuristics } from '../../src/heuristics';
export { createSignal } from '../../src/lib/signal';
export { startPage } from '../../src/page';
export { createPrivacy } from '../../src/privacy';
export { createMirror, record } from '../../src/record';
