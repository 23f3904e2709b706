/** What a label may be, by the values its loss takes (core/loss.ts's LABEL_DOMAINS), and why one may not be. */
import type { LabelDomain } from '../../core/loss.js';

/** The label to check: its position among the job's input columns, its loss's domain, and softmax's classes. */
export interface CheckedLabel {
  readonly position: number;
  readonly domain: LabelDomain;
  /** For the class domain: the classes as written; the label's column then holds each row's class index. */
  readonly classes?: readonly string[];
  /** A fit's first look at a softmax label: every label is taken (as class 0) and its text collected. */
  readonly collect?: boolean;
}

/**
 * bce's labels are the two classes, 0 and 1 (-0 is 0); poisson's are counts or rates, finite and >= 0;
 * a class label is read as its class's index, -1 when it names none.
 */
export const isLabelIn = (domain: LabelDomain, value: number): boolean =>
  domain === 'binary'
    ? value === 0 || value === 1
    : domain === 'non-negative'
      ? value >= 0 && value < Number.POSITIVE_INFINITY
      : value >= 0;

export const labelReason = (domain: LabelDomain, value: number): string =>
  domain === 'binary'
    ? `a bce label must be 0 or 1, got ${value}`
    : domain === 'class'
      ? 'not one of the classes'
      : `a poisson label must be a finite number >= 0 (a count or a rate), got ${value}`;

/** A class label's index from a value as a columnar input holds it (text or number), or -1. */
export function classOfValue(label: CheckedLabel, value: unknown): number {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint'
    ? labelIndex(label, String(value))
    : -1;
}

const indexes = new WeakMap<readonly string[], Map<string, number>>();
/** The labels collected by the task being processed on this thread (tasks run one at a time). */
const collected = new Set<string>();

/** The labels the task collected, in the order first seen; the collection starts again. */
export function takeCollectedLabels(): string[] {
  const labels = [...collected];
  collected.clear();
  return labels;
}

/** The class index for a label's text: the class's, -1 if not a class, or 0 (the text collected) when collecting. */
export function labelIndex(label: CheckedLabel, text: string): number {
  if (label.collect === true) {
    collected.add(text.trim());
    return 0;
  }
  return classIndex(label.classes ?? [], text);
}

/**
 * The classes a fit finds: the labels seen, ordered by value if every one is a number (so 10 follows 9),
 * else by their text; either way, the same whatever order the rows came in.
 */
export function classOrder(labels: Iterable<string>): string[] {
  const distinct = [...new Set(labels)];
  const numeric = distinct.every((t) => t !== '' && Number.isFinite(Number(t)));
  return numeric ? distinct.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0)) : distinct.sort();
}

/** The index of a label's class, from its text as written (spaces around it aside), or -1 if not a class. */
function classIndex(classes: readonly string[], text: string): number {
  let index = indexes.get(classes);
  if (index === undefined) {
    index = new Map(classes.map((c, k) => [c, k]));
    indexes.set(classes, index);
  }
  return index.get(text.trim()) ?? -1;
}

export const unknownClassReason = (classes: readonly string[], text: string): string =>
  `${JSON.stringify(text)} is not one of the classes (${classes.join(', ')})`;
