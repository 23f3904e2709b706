/** What a label may be, by the values its loss takes (core/loss.ts's LABEL_DOMAINS), and why one may not be. */
import type { LabelDomain } from '../../core/loss.js';

/** The label to check: its position among the job's input columns, and its loss's domain. */
export interface CheckedLabel {
  readonly position: number;
  readonly domain: LabelDomain;
}

/** bce's labels are the two classes, 0 and 1 (-0 is 0); poisson's are counts or rates, finite and >= 0. */
export const isLabelIn = (domain: LabelDomain, value: number): boolean =>
  domain === 'binary' ? value === 0 || value === 1 : value >= 0 && value < Number.POSITIVE_INFINITY;

export const labelReason = (domain: LabelDomain, value: number): string =>
  domain === 'binary'
    ? `a bce label must be 0 or 1, got ${value}`
    : `a poisson label must be a finite number >= 0 (a count or a rate), got ${value}`;
