import type * as vscode from 'vscode';
import type { LogLevel, LogSink } from '../common/logger.ts';

/** Writes the engine's log lines to the "Groundwork" LogOutputChannel, at its levels. */
export class LogChannelSink implements LogSink {
  private readonly channel: vscode.LogOutputChannel;

  constructor(channel: vscode.LogOutputChannel) {
    this.channel = channel;
  }

  log(level: LogLevel, message: string, args: readonly unknown[]): void {
    this.channel[level](message, ...args);
  }
}
