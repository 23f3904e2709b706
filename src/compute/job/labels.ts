/** What a label may be: bce's labels are the two classes, 0 and 1 (-0 is 0). */
export const isBinaryLabel = (value: number): boolean => value === 0 || value === 1;

export const binaryLabelReason = (value: number): string => `a bce label must be 0 or 1, got ${value}`;
