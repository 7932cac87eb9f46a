import { spawnSync } from 'node:child_process';

/** The pid of a process that has already exited: what a writer killed mid-save leaves in its temp names. */
export function exitedPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (child.pid === undefined) throw new Error('could not start a child process');
  return child.pid;
}
