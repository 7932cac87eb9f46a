// One line saying what the build wrote, in place of esbuild's listing (see esbuild.config.mjs).
import type { Metafile } from 'esbuild';

export function kib(bytes: number): string {
  return `${Math.round(bytes / 1024).toLocaleString('en-US')} KiB`;
}

/** The bundles the builds wrote and their sizes; maps and license files left out. */
export function buildSummary(metafiles: readonly Metafile[], production: boolean): string {
  const bundles = metafiles
    .flatMap((metafile) => Object.entries(metafile.outputs))
    .filter(([path]) => path.endsWith('.js'))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, output]) => `${path} ${kib(output.bytes)}`);
  return `build (${production ? 'production' : 'development'}): ${bundles.join(', ')}`;
}
