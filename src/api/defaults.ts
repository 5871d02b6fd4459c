import { startHeuristics } from '../heuristics';
import { startPage } from '../page';
import { startTransport } from '../transport';
import type { Parts } from './parts';

/** The parts a real capture composes; each is wired in here as it lands. */
export const defaultParts: Parts = { startHeuristics, startPage, startTransport };
