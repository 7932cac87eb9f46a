/**
 * The engine's logger. The shell backs it with one LogOutputChannel named "Groundwork"; tests
 * use MemoryLogger. Never pass prompt text, file contents or keys above `trace`.
 */
export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
  /** A logger whose lines are prefixed with `[scope]`, one per feature. */
  scoped(scope: string): Logger;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface LogSink {
  log(level: LogLevel, message: string, args: readonly unknown[]): void;
}

export class SinkLogger implements Logger {
  private readonly sink: LogSink;
  private readonly prefix: string;

  constructor(sink: LogSink, prefix = '') {
    this.sink = sink;
    this.prefix = prefix;
  }

  trace(message: string, ...args: unknown[]): void {
    this.sink.log('trace', this.prefix + message, args);
  }
  debug(message: string, ...args: unknown[]): void {
    this.sink.log('debug', this.prefix + message, args);
  }
  info(message: string, ...args: unknown[]): void {
    this.sink.log('info', this.prefix + message, args);
  }
  warn(message: string, ...args: unknown[]): void {
    this.sink.log('warn', this.prefix + message, args);
  }
  error(message: string | Error, ...args: unknown[]): void {
    const text = message instanceof Error ? `${message.name}: ${message.message}` : message;
    this.sink.log('error', this.prefix + text, args);
  }
  scoped(scope: string): Logger {
    return new SinkLogger(this.sink, `${this.prefix}[${scope}] `);
  }
}

export interface LogLine {
  readonly level: LogLevel;
  readonly message: string;
}

/** Keeps lines in memory: for tests, and for the CLI's --verbose output. */
export class MemoryLogger extends SinkLogger {
  readonly lines: LogLine[];

  constructor() {
    const lines: LogLine[] = [];
    super({ log: (level, message) => lines.push({ level, message }) });
    this.lines = lines;
  }
}

export const nullLogger: Logger = new SinkLogger({ log: () => {} });
