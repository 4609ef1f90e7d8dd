/** The wording of messages: "did you mean" suggestions for misspelt names, and counts. */

/** Levenshtein distance, case-insensitive (a wrong case is a typo too: `readOnly` → `readonly`). */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y) return a === b ? 0 : 1;
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}

/** The closest candidate within a distance that grows with the word's length, if any. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (bestDistance <= limit) return best;
  // A renamed-by-extension name (`getUser` → `getUserById`) is far in edits but obvious to a reader.
  const lower = word.toLowerCase();
  const extended = [...candidates].filter(
    (c) => lower.length >= 3 && (c.toLowerCase().startsWith(lower) || lower.startsWith(c.toLowerCase())),
  );
  return extended.length === 1 ? extended[0] : undefined;
}

/** A hint naming the closest candidate, or listing a few valid ones when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[], what: string): string {
  const match = closest(word, candidates);
  if (match !== undefined) return `did you mean \`${match}\`?`;
  if (candidates.length === 0) return `no ${what} is defined`;
  const sorted = [...candidates].sort();
  const shown = sorted
    .slice(0, 8)
    .map((c) => `\`${c}\``)
    .join(', ');
  return `known ${what}s: ${shown}${sorted.length > 8 ? `, … (${sorted.length} in all)` : ''}`;
}

/** `1 file`, `2 files`, `0 files`; `plural(2, 'entry', 'entries')` for a plural that is not `word` + s. Every package words its counts with it. */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}
