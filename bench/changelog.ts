/**
 * Reads the per-release entries of a package's changelog, in the formats the release dataset's
 * packages use: Mongoose's History.md ("5.13.2 / 2021-07-03" over a rule), Knex's "# 3.1.0 - date",
 * and the conventional-changelog headings of Axios and Nodemailer ("## [1.7.9](url) (date)").
 */

export interface ChangelogItem {
  /** The bullet's text as written, links and issue numbers included. */
  readonly text: string;
  /** The subsection it sits under ("Bug Fixes", "Types"), or '' when the release has none. */
  readonly section: string;
}

const releaseHeading = /^(?:#{1,3}\s*\[?v?(\d+\.\d+\.\d+)\]?|v?(\d+\.\d+\.\d+)\s+\/\s)/;
const subsectionHeading = /^#{3,4}\s+(.+?)\s*$/;
// Only top-level bullets: nested ones (Express's "deps: x" sub-lists) detail the line above them.
const topBullet = /^ {0,3}[-*]\s+(.*)$/;

/** Version → its items, in file order. A bullet continued on the next lines is joined to them. */
export function parseChangelog(text: string): Map<string, ChangelogItem[]> {
  const releases = new Map<string, ChangelogItem[]>();
  let items: ChangelogItem[] | undefined;
  let section = '';
  let open: { text: string; section: string } | undefined;
  const close = () => {
    if (open && items) items.push({ text: open.text.trim(), section: open.section });
    open = undefined;
  };
  let fenced = false;
  for (const line of text.split(/\r?\n/)) {
    // Axios pastes its release notes again in a code fence; only the list outside counts.
    if (line.trimStart().startsWith('```')) {
      close();
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    const heading = line.match(releaseHeading);
    if (heading) {
      close();
      const version = heading[1] ?? heading[2];
      // A version listed twice (a re-release note) keeps its first, newest entry.
      items = releases.has(version) ? undefined : [];
      if (items) releases.set(version, items);
      section = '';
      continue;
    }
    const sub = line.match(subsectionHeading);
    if (sub) {
      close();
      section = sub[1];
      continue;
    }
    const bullet = line.match(topBullet);
    if (bullet) {
      close();
      open = { text: bullet[1], section };
    } else if (open && /^\s{2,}\S/.test(line) && !/^\s*[-*]\s/.test(line)) {
      open.text += ` ${line.trim()}`;
    } else if (line.trim() === '' || /^\s*[-*]\s/.test(line) || /^=+$/.test(line.trim())) {
      close();
    }
  }
  close();
  return releases;
}
