/**
 * The plain baseline every retrieval change is judged against: BM25 over whole files, code files
 * only, a file's path tokens counted three times. No chunks, no vectors, no query analysis; what
 * a short script would do, so a ranking that cannot beat it is not earning its complexity.
 */
import { readFileSync } from 'node:fs';
import { codeTermCounts, queryTerms } from '../src/index/codeTokens.ts';
import { defaultDiscoveryOptions, discoverFiles } from '../src/index/discovery.ts';
import { nodeIndexFileSystem } from '../src/index/indexFileSystem.ts';

const k1 = 1.2;
const b = 0.75;
const pathWeight = 3;
const codeExtension = /\.(m|c)?(j|t)sx?$|\.(py|go|rs|java|cs|cpp|cc|c|h|hpp|rb|php|kt|swift|scala|vue|svelte)$/i;

export class WholeFileBm25 {
  private readonly docs: { readonly path: string; readonly counts: Map<string, number>; readonly length: number }[] = [];
  private readonly df = new Map<string, number>();
  private averageLength = 0;

  static async over(root: string): Promise<WholeFileBm25> {
    const found = await discoverFiles([{ id: 'root', path: root }], nodeIndexFileSystem, defaultDiscoveryOptions, new AbortController().signal);
    const bm25 = new WholeFileBm25();
    for (const file of found.files) if (codeExtension.test(file.path)) bm25.add(file.path, readFileSync(file.absolutePath, 'utf8'));
    bm25.averageLength = bm25.docs.reduce((sum, doc) => sum + doc.length, 0) / Math.max(1, bm25.docs.length);
    return bm25;
  }

  private add(path: string, text: string): void {
    const counts = codeTermCounts(text);
    for (const [term, count] of codeTermCounts(path.replace(/[/._-]/g, ' '))) counts.set(term, (counts.get(term) ?? 0) + count * pathWeight);
    let length = 0;
    for (const [term, count] of counts) {
      length += count;
      this.df.set(term, (this.df.get(term) ?? 0) + 1);
    }
    this.docs.push({ path, counts, length });
  }

  search(query: string, top: number): string[] {
    const terms = queryTerms(query);
    const n = this.docs.length;
    return this.docs
      .map((doc) => {
        let score = 0;
        for (const term of terms) {
          const tf = doc.counts.get(term);
          if (!tf) continue;
          const df = this.df.get(term) ?? 0;
          const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
          score += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * doc.length) / this.averageLength));
        }
        return { path: doc.path, score };
      })
      .filter((hit) => hit.score > 0)
      .sort((x, y) => y.score - x.score || (x.path < y.path ? -1 : 1))
      .slice(0, top)
      .map((hit) => hit.path);
  }
}
