// The fake model server in its own process, for the real VS Code to call: started before a
// workbench, scripted and read through its control routes.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { RecordedRequest } from '../support/modelServer/modelServer.ts';
import type { ScriptedReply } from '../support/modelServer/scriptedReply.ts';
import { repoRoot } from './harness.ts';

/** The body of a chat completions request, as recorded. */
export interface ChatBody {
  readonly model: string;
  readonly messages: readonly { readonly role: string; readonly content: string }[];
}

export class ModelServerProcess {
  readonly url: string;
  private readonly child: ChildProcess;

  private constructor(url: string, child: ChildProcess) {
    this.url = url;
    this.child = child;
  }

  static async start(args: readonly string[] = []): Promise<ModelServerProcess> {
    const child = spawn(process.execPath, [join(repoRoot, 'test/support/modelServer/main.ts'), '--port', '0', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening (\S+)/.exec(output);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`the model server exited (${code}) before listening: ${output}`)));
    });
    return new ModelServerProcess(url, child);
  }

  async script(...replies: readonly ScriptedReply[]): Promise<void> {
    await this.control('script', replies);
  }

  async requests(): Promise<RecordedRequest[]> {
    const response = await fetch(`${this.url}/__control/requests`);
    return (await response.json()) as RecordedRequest[];
  }

  async reset(): Promise<void> {
    await this.control('reset', {});
  }

  /** Model requests only (not the VS Code host's own traffic), newest last. */
  async modelRequests(): Promise<RecordedRequest[]> {
    return (await this.requests()).filter((request) => /\/(chat\/completions|completions|messages|embeddings)$/.test(request.path));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }

  private async control(route: string, body: unknown): Promise<void> {
    const response = await fetch(`${this.url}/__control/${route}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    if (!response.ok) throw new Error(`model server control ${route}: ${response.status}`);
  }
}
