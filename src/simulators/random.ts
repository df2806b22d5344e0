/** Seeded PRNG (mulberry32): fault probabilities must be reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Ids unique within one simulator (a sequence number) and unlikely to repeat across restarts
 * (a random tail), so a test cannot pass by guessing.
 */
export function idFactory(prefix: string, tailLength = 8): () => string {
  let sequence = 0;
  return () => {
    sequence += 1;
    let tail = '';
    for (let i = 0; i < tailLength; i++) tail += alphabet[(Math.random() * alphabet.length) | 0];
    return `${prefix}${sequence.toString(36)}${tail}`;
  };
}
