// What the scenario pages load: the stages under test and the test privacy rules.
export { startHeuristics } from '../../src/heuristics';
export { startPage } from '../../src/page';
export { testPrivacy } from './fixtures';
