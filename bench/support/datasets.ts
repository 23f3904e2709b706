/**
 * The benchmark's two files, defined once: `npm run bench` measures on them, and compare-builds.ts and
 * threads.ts generate the same ones, so their figures can be set beside the bench's.
 */
export const DATASETS = {
  narrow: { rows: 1_000_000, features: 2, seed: 1 },
  wide: { rows: 200_000, features: 16, seed: 1 },
} as const;

export type DatasetName = keyof typeof DATASETS;
