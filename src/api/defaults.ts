import type { Parts } from './parts';

/** The parts a real capture composes. */
export const defaultParts: Parts = {};
