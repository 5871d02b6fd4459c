import { startHeuristics } from '../heuristics';
import { startPage } from '../page';
import { createPrivacy } from '../privacy';
import { createMirror, record } from '../record';
import { startTransport } from '../transport';
import type { Parts } from './parts';

/** The parts a real capture composes (docs/architecture.md, "Part entry points"). */
export const defaultParts: Parts = { record, createMirror, createPrivacy, startHeuristics, startPage, startTransport };
