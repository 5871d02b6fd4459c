import type * as rrweb from '@rrweb/types';

/*
 * rrweb's numbers as plain objects. The enums of @rrweb/types are runtime code (an IIFE per enum
 * with the reverse mapping, and a runtime import in the npm build), which the SDK must not carry;
 * these objects minify to their numbers. `RrwebNumbersMatch` below fails to compile if any of them
 * drifts from the enum it mirrors.
 */

export const EventType = {
  DomContentLoaded: 0,
  Load: 1,
  FullSnapshot: 2,
  IncrementalSnapshot: 3,
  Meta: 4,
  Custom: 5,
  Plugin: 6,
  Asset: 7,
  Annotation: 8,
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

export const IncrementalSource = {
  Mutation: 0,
  MouseMove: 1,
  MouseInteraction: 2,
  Scroll: 3,
  ViewportResize: 4,
  Input: 5,
  TouchMove: 6,
  MediaInteraction: 7,
  StyleSheetRule: 8,
  CanvasMutation: 9,
  Font: 10,
  Log: 11,
  Drag: 12,
  StyleDeclaration: 13,
  Selection: 14,
  AdoptedStyleSheet: 15,
  CustomElement: 16,
} as const;
export type IncrementalSource = (typeof IncrementalSource)[keyof typeof IncrementalSource];

export const MouseInteractions = {
  MouseUp: 0,
  MouseDown: 1,
  Click: 2,
  ContextMenu: 3,
  DblClick: 4,
  Focus: 5,
  Blur: 6,
  TouchStart: 7,
  TouchMove_Departed: 8,
  TouchEnd: 9,
  TouchCancel: 10,
} as const;
export type MouseInteractions = (typeof MouseInteractions)[keyof typeof MouseInteractions];

export const MediaInteractions = { Play: 0, Pause: 1, Seeked: 2, VolumeChange: 3, RateChange: 4 } as const;
export type MediaInteractions = (typeof MediaInteractions)[keyof typeof MediaInteractions];

export const PointerTypes = { Mouse: 0, Pen: 1, Touch: 2 } as const;
export type PointerTypes = (typeof PointerTypes)[keyof typeof PointerTypes];

/** rrweb-snapshot's serialized node types. */
export const NodeType = { Document: 0, DocumentType: 1, Element: 2, Text: 3, CDATA: 4, Comment: 5 } as const;
export type NodeType = (typeof NodeType)[keyof typeof NodeType];

type Numbers<T> = { -readonly [K in keyof T]: `${T[K] & number}` };
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Check<T extends true> = T;

/** Compiles only while every object above has exactly the names and numbers of its enum. */
export type RrwebNumbersMatch = [
  Check<Same<Numbers<typeof EventType>, Numbers<typeof rrweb.EventType>>>,
  Check<Same<Numbers<typeof IncrementalSource>, Numbers<typeof rrweb.IncrementalSource>>>,
  Check<Same<Numbers<typeof MouseInteractions>, Numbers<typeof rrweb.MouseInteractions>>>,
  Check<Same<Numbers<typeof MediaInteractions>, Numbers<typeof rrweb.MediaInteractions>>>,
  Check<Same<Numbers<typeof PointerTypes>, Numbers<typeof rrweb.PointerTypes>>>,
  Check<Same<Numbers<typeof NodeType>, Numbers<typeof rrweb.NodeType>>>,
];
