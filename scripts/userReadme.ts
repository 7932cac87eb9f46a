// The README the .vsix ships, and so the Marketplace page: README.md without the sections that
// are for whoever builds Groundwork (running from source, the command line, benchmarks, scripts).
// One README in the repository, so what users read about settings or privacy cannot drift from it.

/** Headings of README.md's sections for developers; each goes with everything under it. */
export const developerSections = ['Quick start', 'Command line', 'Performance', 'Development'] as const;

const heading = /^(#{1,6}) (.+)$/;

export function userReadme(readme: string): string {
  const lines = readme.split('\n');
  const kept: string[] = [];
  const found = new Set<string>();
  // While inside a developer section: the depth of its heading, which a heading as high ends.
  let droppingDepth: number | undefined;
  let fenced = false;
  for (const line of lines) {
    if (line.startsWith('```')) fenced = !fenced;
    const match = fenced ? null : heading.exec(line);
    if (match) {
      const depth = match[1]!.length;
      const title = match[2]!.trim();
      if (droppingDepth !== undefined && depth <= droppingDepth) droppingDepth = undefined;
      if (droppingDepth === undefined && (developerSections as readonly string[]).includes(title)) {
        found.add(title);
        droppingDepth = depth;
      }
    }
    if (droppingDepth === undefined) kept.push(line);
  }
  const missing = developerSections.filter((title) => !found.has(title));
  if (missing.length > 0) throw new Error(`README.md has no section ${missing.join(', ')}: update developerSections in scripts/userReadme.ts`);
  return `${kept.join('\n').trimEnd()}\n`;
}
