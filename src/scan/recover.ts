/**
 * Recovering a ticket code from OCR text. OCR misreads look-alike glyphs (5/S, 8/B, 2/Z, 6/G, 4/A,
 * 0/D...), doubles a glyph now and then ("0FFJ" read "O0FFJ") and breaks the dashes. The code's check
 * symbol (Luhn mod 32, which catches every single-symbol error) tells which repair is right. A repair
 * is accepted only when exactly one code passes at the smallest number of changes, so no code is far
 * likelier than a wrong one; when the same line was read several times, the reads' disagreements
 * point at the doubtful symbols instead of guessing from the confusion table.
 */
import { CROCKFORD, checkSymbol, normalizeCodeText, TicketCode } from '../sat/code.ts';

/**
 * For each glyph OCR may output (after Crockford's own O→0, I/L→1), the symbols it is commonly
 * mistaken for. U is not a Crockford symbol: it can only be a misread V.
 */
export const CONFUSIONS: Readonly<Record<string, string>> = {
  '0': 'DQ8',
  '1': 'T7J',
  '2': 'Z',
  '3': '8B',
  '4': 'A',
  '5': 'S',
  '6': 'G',
  '7': 'T1Z',
  '8': 'B30',
  '9': 'GQ',
  A: '4',
  B: '83',
  C: 'G0',
  D: '0',
  E: 'F',
  F: 'EP',
  G: '6C9',
  H: 'MN',
  J: '1',
  K: 'X',
  M: 'NH',
  N: 'MH',
  P: 'RF',
  Q: '09',
  R: 'P',
  S: '5',
  T: '71',
  U: 'V',
  V: 'Y',
  W: 'VM',
  X: 'K',
  Y: 'V',
  Z: '27',
};

/** At most this many changes (substitutions, or dropping a doubled glyph) in one candidate. */
const MAX_REPAIRS = 2;

export interface RecoveredCode {
  code: TicketCode;
  /** Symbols changed beyond Crockford's O/0 and I/L/1 rules. */
  repairs: number;
  /** The OCR text the code was read from. */
  source: string;
  /** Found next to the "Código de facturación" label rather than by its XXXX-XXXX-XXXX shape. */
  nearLabel: boolean;
}

export interface Candidate {
  /** 12 glyphs, separators removed (not yet normalised). */
  raw: string;
  /** Changes already made to get 12 glyphs (a dropped extra glyph counts one). */
  base: number;
  source: string;
  nearLabel: boolean;
  /** Index of the text line it came from. */
  line: number;
}

const DASHES = /[\u2010-\u2015\u2212~=]/gu;
const GROUPED =
  /(?<![0-9A-Z])([0-9A-Z]{4,5}) ?[-_.,:] ?([0-9A-Z]{4,5}) ?[-_.,:] ?([0-9A-Z]{4,5})(?![0-9A-Z])/gu;
const LABEL = /FACTURACI|C[O0ÓÒ]DIG[O0]\s+DE\s+FACT|C[O0ÓÒ]DIG[O0]\s*:/u;

/** The 12-glyph strings a group of 4 or 5 glyphs can stand for: a fifth glyph is one extra. */
function shorten(groups: string[]): { raw: string; base: number }[] {
  const extra = groups.filter((g) => g.length === 5).length;
  if (extra === 0) return [{ raw: groups.join(''), base: 0 }];
  if (extra > 1) return [];
  const out = new Map<string, number>();
  for (const [gi, group] of groups.entries()) {
    if (group.length !== 5) continue;
    for (let i = 0; i < 5; i++) {
      const copy = [...groups];
      copy[gi] = group.slice(0, i) + group.slice(i + 1);
      out.set(copy.join(''), 1);
    }
  }
  return [...out].map(([raw, base]) => ({ raw, base }));
}

/**
 * Finds the strings in OCR text that can be a ticket code: the XXXX-XXXX-XXXX shape anywhere, and what
 * follows the billing label (same or next line) once separators are dropped.
 */
export function codeCandidates(text: string): Candidate[] {
  const lines = text.toUpperCase().replace(DASHES, '-').split(/\r?\n/u);
  const out: Candidate[] = [];
  lines.forEach((line, index) => {
    for (const m of line.matchAll(GROUPED)) {
      for (const s of shorten([m[1] ?? '', m[2] ?? '', m[3] ?? ''])) {
        out.push({ ...s, source: m[0], nearLabel: false, line: index });
      }
    }
    const label = LABEL.exec(line);
    if (!label) return;
    // What follows the label word ("...CIÓN:") on its line, then the next lines.
    const after = line.slice(label.index + label[0].length).replace(/^[A-ZÁÉÍÓÚÑ]*\s*:?/u, '');
    for (const [offset, piece] of [after, lines[index + 1] ?? '', lines[index + 2] ?? ''].entries()) {
      const compact = piece.replace(/[^0-9A-Z]/gu, '');
      if (compact.length === 12) {
        out.push({ raw: compact, base: 0, source: piece.trim(), nearLabel: true, line: index + offset });
      }
      if (compact.length > 0) break;
    }
  });
  return out;
}

function isCrockford(symbols: readonly string[]): boolean {
  return symbols.every((ch) => CROCKFORD.includes(ch));
}

function passes(symbols: readonly string[]): boolean {
  return (
    symbols.length === 12 &&
    isCrockford(symbols) &&
    checkSymbol(symbols.slice(0, 11).join('')) === symbols[11]
  );
}

/**
 * Every valid code within `MAX_REPAIRS` changes of `raw` using the confusion table; index = number of
 * changes (including the candidate's `base`).
 */
export function repairs(raw: string, base = 0): TicketCode[][] {
  const symbols = normalizeCodeText(raw).split('');
  const found: TicketCode[][] = Array.from({ length: MAX_REPAIRS + 1 }, () => []);
  if (symbols.length !== 12 || base > MAX_REPAIRS) return found;
  const walk = (s: string[], from: number, level: number): void => {
    if (passes(s)) {
      const code = TicketCode.parse(s.join(''));
      if (code) found[level]?.push(code);
    }
    if (level === MAX_REPAIRS) return;
    for (let i = from; i < s.length; i++) {
      const original = s[i] ?? '';
      for (const alt of CONFUSIONS[original] ?? '') {
        s[i] = alt;
        walk(s, i + 1, level + 1);
      }
      s[i] = original;
    }
  };
  walk([...symbols], 0, base);
  return found;
}

/**
 * The ticket code in OCR text, or null. Takes the fewest changes that make any candidate valid and
 * accepts the result only when that number of changes yields exactly one distinct code.
 */
export function recoverCode(text: string): RecoveredCode | null {
  return pickUnique(codeCandidates(text));
}

function pickUnique(candidates: Candidate[]): RecoveredCode | null {
  const perCandidate = candidates.map((candidate) => ({
    candidate,
    levels: repairs(candidate.raw, candidate.base),
  }));
  for (let level = 0; level <= MAX_REPAIRS; level++) {
    const hits = new Map<string, { code: TicketCode; candidate: Candidate }>();
    for (const { candidate, levels } of perCandidate) {
      for (const code of levels[level] ?? []) {
        const key = code.toString();
        const seen = hits.get(key);
        if (!seen || (!seen.candidate.nearLabel && candidate.nearLabel)) hits.set(key, { code, candidate });
      }
    }
    if (hits.size > 1) return null;
    const [hit] = hits.values();
    if (hit) {
      const { source, nearLabel } = hit.candidate;
      return { code: hit.code, repairs: level, source, nearLabel };
    }
  }
  return null;
}

/** P(OCR shows `read` | the printed symbol is `truth`): a simple confusion model for ranking. */
function likelihood(read: string, truth: string): number {
  if (read === truth) return 0.9;
  if ((CONFUSIONS[read] ?? '').includes(truth) || (CONFUSIONS[truth] ?? '').includes(read)) return 0.05;
  return 0.002;
}

/** A code must be this many times likelier than the runner-up to be taken from several reads. */
const MARGIN = 10;

/**
 * The code from several OCR reads of the same printed line (differently prepared crops). Every valid
 * code near any read (its own symbols, mixes of the reads, confusion-table repairs) is scored by how
 * well it explains all reads at once; the best is accepted only when it is `MARGIN` times likelier
 * than the next. With a single read this reduces to the one-valid-candidate rule of `recoverCode`.
 */
export function recoverFromReads(reads: readonly string[]): RecoveredCode | null {
  const perRead = reads.map((read) => codeCandidates(read)).filter((c) => c.length > 0);
  if (perRead.length === 0) return null;
  const pool = new Map<string, TicketCode>();
  for (const candidates of perRead) {
    for (const c of candidates) {
      for (const level of repairs(c.raw, c.base)) for (const code of level) pool.set(code.toString(), code);
    }
  }
  for (const code of mixes(perRead.map((cs) => normalizeCodeText(cs[0]?.raw ?? '')))) {
    pool.set(code.toString(), code);
  }
  const scored = [...pool.values()]
    .map((code) => ({ code, score: explain(code, perRead) }))
    .sort((a, b) => b.score - a.score);
  const [best, second] = scored;
  if (!best || (second && best.score < second.score + Math.log(MARGIN))) return null;
  const compact = best.code.toString().replaceAll('-', '');
  const distance = Math.min(
    ...perRead.flatMap((cs) => cs.map((c) => c.base + hamming(normalizeCodeText(c.raw), compact))),
  );
  return { code: best.code, repairs: distance, source: reads.join(' | '), nearLabel: false };
}

/** Log-likelihood of all reads given the printed code; each read counts by its best candidate. */
function explain(code: TicketCode, perRead: Candidate[][]): number {
  const compact = code.toString().replaceAll('-', '');
  let total = 0;
  for (const candidates of perRead) {
    let best = Number.NEGATIVE_INFINITY;
    for (const c of candidates) {
      const read = normalizeCodeText(c.raw);
      let ll = c.base * Math.log(0.05);
      for (let i = 0; i < 12; i++) ll += Math.log(likelihood(read[i] ?? '', compact[i] ?? ''));
      best = Math.max(best, ll);
    }
    total += best;
  }
  return total;
}

function hamming(a: string, b: string): number {
  let d = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) d++;
  return d;
}

/** Valid codes among the per-position mixes of the reads' symbols (bounded). */
function mixes(reads: string[]): TicketCode[] {
  const usable = reads.filter((r) => r.length === 12);
  if (usable.length < 2) return [];
  const options: string[][] = [];
  let combinations = 1;
  for (let i = 0; i < 12; i++) {
    const seen = [...new Set(usable.map((r) => r[i] ?? ''))].filter((ch) => CROCKFORD.includes(ch));
    if (seen.length === 0) return [];
    options.push(seen);
    combinations *= seen.length;
  }
  if (combinations > 4096) return [];
  const valid: TicketCode[] = [];
  const walk = (prefix: string[]): void => {
    if (prefix.length === 12) {
      const code = passes(prefix) ? TicketCode.parse(prefix.join('')) : null;
      if (code) valid.push(code);
      return;
    }
    for (const ch of options[prefix.length] ?? []) walk([...prefix, ch]);
  };
  walk([]);
  return valid;
}
