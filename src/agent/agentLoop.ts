import { abortReason } from '../common/async.ts';
import type { ChatMessage, ImageAttachment } from '../llm/modelTypes.ts';
import { errorMessage, isCancellation } from '../common/errors.ts';
import { type Logger, nullLogger } from '../common/logger.ts';
import { mergeSourceRefs, type SourceRef } from '../llm/contentFilter.ts';
import type { ModelGateway, ModelResult } from '../llm/modelGateway.ts';
import { type TokenCounter, tokenCounter } from '../llm/tokenizer.ts';
import type { ToolCall, ToolConversationMessage, ToolResultMessage } from '../llm/toolTypes.ts';
import type { EditSet } from '../refactor/editSet.ts';
import { agentOpening } from './agentPrompt.ts';
import { type AgentTool, ToolFailure } from './agentTool.ts';
import type { AgentPorts } from './agentWorkspace.ts';
import { fitToolConversation } from './conversationFit.ts';
import { EditCollector } from './editCollector.ts';
import { renderToolResult } from './toolResults.ts';
import { findFilesTool } from './tools/findFiles.ts';
import { grepTool } from './tools/grep.ts';
import { languageTools } from './tools/languageTools.ts';
import { proposeEditsTool } from './tools/proposeEdits.ts';
import { readFileTool } from './tools/readFile.ts';
import { searchCodebaseTool } from './tools/searchCodebase.ts';

/** What one task may spend: `agent.maxSteps` and `agent.maxCostUsd` (0: no cap; the daily budget still applies). */
export interface AgentLimits {
  readonly maxSteps: number;
  readonly maxCostUsd: number;
}

export interface AgentLoopOptions {
  readonly gateway: Pick<ModelGateway, 'streamWithTools'>;
  readonly ports: AgentPorts;
  readonly limits: AgentLimits;
  /** `provider/model` to use first; default: the heavy tier's chain. */
  readonly model?: string;
  /** The model's context window in tokens; the conversation is kept inside it. */
  readonly contextWindowTokens?: number;
  /** Tokens kept for each reply. */
  readonly maxReplyTokens?: number;
  /** Characters one tool result may take before it is cut with a note. */
  readonly resultBudgetChars?: number;
  readonly counter?: TokenCounter;
  readonly logger?: Logger;
  /** Only the read-only tools (a chat question): no propose_edits. */
  readonly readOnly?: boolean;
  /** What asked, for the audit log and the usage view ('chat.agent', 'refactor.crossFile.agent'); default 'agent'. */
  readonly feature?: string;
}

export interface AgentCallReport {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
  readonly isError: boolean;
  /** The result's first line, for a step card. */
  readonly summary: string;
  readonly cut: boolean;
  readonly sources: readonly SourceRef[];
  /** Characters of the result as the model got it (after the cut). */
  readonly chars: number;
}

/** One model call of the loop and the tools it asked for, for the shell's step cards. */
export interface AgentStep {
  readonly index: number;
  readonly model: string;
  readonly text: string;
  readonly costUsd: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly calls: readonly AgentCallReport[];
}

/**
 * How a task ended: the model answered without tools (`done`), a cap stopped it, the user
 * pressed Stop, or a model call failed (the ProviderError is in `error`, with its actions).
 */
export type AgentEnd = 'done' | 'stepCap' | 'costCap' | 'stopped' | 'failed';

export interface AgentResult {
  readonly end: AgentEnd;
  /** The model's last text: its summary when `done`. */
  readonly answer: string;
  readonly steps: readonly AgentStep[];
  readonly costUsd: number;
  /** Every proposed edit, as one set for the Refactor Preview; undefined when nothing was proposed. */
  readonly editSet: EditSet | undefined;
  readonly error?: unknown;
}

export interface AgentRunOptions {
  readonly signal?: AbortSignal;
  /** Reply text as it streams; `restart` when a fallback model starts the step over. */
  readonly onText?: (text: string, restart: boolean) => void;
  readonly onStep?: (step: AgentStep) => void;
  /** Earlier turns of the conversation (a chat's history), between the system prompt and the task. */
  readonly history?: readonly ChatMessage[];
  /** Images sent with the task (a pasted screenshot), to a model that takes them. */
  readonly images?: readonly ImageAttachment[];
}

const defaultContextWindow = 128_000;
const defaultReplyTokens = 4_096;
const defaultResultBudgetChars = 24_000;
/** Room left for what token counts miss: message framing, the vendor's tool-use wrapper. */
const windowMargin = 1_024;

/**
 * The agent: the heavy model with tools, step after step, until it answers without a tool call,
 * a cap is reached, or Stop. Every model call goes through the gateway (routing, redaction,
 * budget, audit with the regions the tool results carry, retries and fallback, cost); every tool
 * result is fenced workspace data, cut to a budget, and a tool's failure is the call's result.
 * Read-only calls of one step run together; edits are collected and returned as one edit set.
 */
export class AgentLoop {
  private readonly options: AgentLoopOptions;
  private readonly counter: TokenCounter;
  private readonly logger: Logger;

  constructor(options: AgentLoopOptions) {
    this.options = options;
    this.counter = options.counter ?? tokenCounter;
    this.logger = options.logger ?? nullLogger;
  }

  async run(task: string, run: AgentRunOptions = {}): Promise<AgentResult> {
    const signal = run.signal ?? new AbortController().signal;
    const { limits, ports } = this.options;
    const collector = new EditCollector();
    const readOnly = this.options.readOnly === true;
    const language = ports.language;
    const tools = [
      searchCodebaseTool(ports),
      readFileTool(ports),
      findFilesTool(ports),
      grepTool(ports),
      ...(language ? languageTools({ ...ports, language }) : []),
      ...(readOnly ? [] : [proposeEditsTool(ports, collector)]),
    ];
    const byName = new Map(tools.map((tool) => [tool.definition.name, tool]));
    const definitions = tools.map((tool) => tool.definition);
    const messages: ToolConversationMessage[] = [...agentOpening(task, run.history, readOnly, run.images)];
    const sourcesByCall = new Map<string, readonly SourceRef[]>();
    const steps: AgentStep[] = [];
    const replyTokens = this.options.maxReplyTokens ?? defaultReplyTokens;
    const definitionTokens = this.counter.count(JSON.stringify(definitions));
    const budgetTokens = (this.options.contextWindowTokens ?? defaultContextWindow) - replyTokens - definitionTokens - windowMargin;
    const counts = new WeakMap<ToolConversationMessage, number>();
    const sizes = new WeakMap<ToolConversationMessage, number>();
    const argumentsOf = (message: ToolConversationMessage) => (message.role === 'assistant' ? (message.toolCalls ?? []).map((call) => call.name + call.arguments).join('') : '');
    const count = (message: ToolConversationMessage) => {
      let tokens = counts.get(message);
      if (tokens === undefined) {
        const args = argumentsOf(message);
        tokens = this.counter.count(message.content) + (args ? this.counter.count(args) : 0);
        counts.set(message, tokens);
      }
      return tokens;
    };
    // A token is at least one byte: a conversation of fewer bytes than the budget fits uncounted.
    const bytes = (message: ToolConversationMessage) => {
      let size = sizes.get(message);
      if (size === undefined) sizes.set(message, (size = Buffer.byteLength(message.content) + Buffer.byteLength(argumentsOf(message))));
      return size;
    };
    let spent = 0;
    let answer = '';
    // The daily budget covers the whole task: past it, the user is asked once, not at every step.
    const budgetConsent = { granted: false };
    const finish = (end: AgentEnd, error?: unknown): AgentResult => {
      let editSet: EditSet | undefined;
      try {
        editSet = collector.editSet(`Agent: ${task.split('\n')[0]!.slice(0, 60)}`);
      } catch (failure) {
        // Checked per call already; a set that still fails is dropped whole, never written in part.
        error ??= failure;
      }
      return { end, answer, steps, costUsd: spent, editSet, ...(error !== undefined ? { error } : {}) };
    };

    for (let index = 1; ; index++) {
      if (signal.aborted) return finish('stopped');
      if (limits.maxCostUsd > 0 && spent >= limits.maxCostUsd) return finish('costCap');
      // Counted here, the prompt's tokens go with the request, so the gateway's routing does not count them again.
      let promptTokens: number | undefined;
      if (messages.reduce((sum, message) => sum + bytes(message), 0) > budgetTokens) {
        for (const id of fitToolConversation(messages, budgetTokens, count)) sourcesByCall.delete(id);
        promptTokens = messages.reduce((sum, message) => sum + count(message), definitionTokens);
      }
      let result: ModelResult;
      try {
        result = await this.callModel(messages, definitions, [...sourcesByCall.values()].flat(), { maxTokens: replyTokens, budgetConsent, promptTokens }, signal, run.onText);
      } catch (error) {
        if (isCancellation(error) || signal.aborted) return finish('stopped');
        this.logger.warn(`Agent step ${index} failed: ${errorMessage(error)}`);
        return finish('failed', error);
      }
      spent += result.costUsd ?? 0;
      answer = result.text;
      const calls = result.toolCalls ?? [];
      messages.push({ role: 'assistant', content: result.text, ...(calls.length > 0 ? { toolCalls: calls } : {}) });
      const step = { index, model: result.model, text: result.text, costUsd: result.costUsd ?? 0, inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens };
      if (calls.length === 0) {
        this.report(steps, { ...step, calls: [] }, run.onStep);
        return finish('done');
      }
      // The model asked for more, but no further step may follow: its calls would be paid for nothing.
      const capped = index >= limits.maxSteps ? 'stepCap' : limits.maxCostUsd > 0 && spent >= limits.maxCostUsd ? 'costCap' : undefined;
      if (capped) {
        messages.pop();
        this.report(steps, { ...step, calls: [] }, run.onStep);
        return finish(capped);
      }
      let executed: ExecutedCall[];
      try {
        executed = await this.runCalls(calls, byName, signal);
      } catch (error) {
        if (isCancellation(error) || signal.aborted) return finish('stopped');
        throw error;
      }
      for (const call of executed) {
        messages.push(call.message);
        if (call.report.sources.length > 0) sourcesByCall.set(call.report.id, call.report.sources);
      }
      this.report(steps, { ...step, calls: executed.map((call) => call.report) }, run.onStep);
    }
  }

  private async callModel(
    messages: readonly ToolConversationMessage[],
    tools: readonly AgentTool['definition'][],
    sources: readonly SourceRef[],
    request: { readonly maxTokens: number; readonly budgetConsent: { granted: boolean }; readonly promptTokens: number | undefined },
    signal: AbortSignal,
    onText: AgentRunOptions['onText'],
  ): Promise<ModelResult> {
    const stream = this.options.gateway.streamWithTools({
      task: 'refactor',
      feature: this.options.feature ?? 'agent',
      messages: [...messages],
      tools,
      maxTokens: request.maxTokens,
      budgetConsent: request.budgetConsent,
      ...(request.promptTokens !== undefined ? { promptTokens: request.promptTokens } : {}),
      signal,
      sources: mergeSourceRefs(sources),
      ...(this.options.model ? { model: this.options.model } : {}),
    });
    if (onText) {
      for await (const event of stream) onText(event.type === 'text' ? event.text : '', event.type === 'restart');
    }
    return stream.result;
  }

  /** Read-only calls together, then the others one by one; results in the order the model asked. */
  private async runCalls(calls: readonly ToolCall[], byName: ReadonlyMap<string, AgentTool>, signal: AbortSignal): Promise<ExecutedCall[]> {
    const executed: ExecutedCall[] = new Array(calls.length);
    const runOne = async (i: number) => {
      executed[i] = await this.runCall(calls[i]!, byName.get(calls[i]!.name), signal, [...byName.keys()]);
    };
    const writes = calls.map((call, i) => (byName.get(call.name)?.readOnly === false ? i : -1)).filter((i) => i >= 0);
    await Promise.all(calls.map((_, i) => i).filter((i) => !writes.includes(i)).map(runOne));
    for (const i of writes) await runOne(i);
    return executed;
  }

  private async runCall(call: ToolCall, tool: AgentTool | undefined, signal: AbortSignal, names: readonly string[]): Promise<ExecutedCall> {
    const failed = (message: string): ExecutedCall => {
      const content = `Error: ${message}`;
      return {
        message: { role: 'tool', toolCallId: call.id, name: call.name, content, isError: true },
        report: { id: call.id, name: call.name, arguments: call.arguments, isError: true, summary: message.split('\n')[0]!, cut: false, sources: [], chars: content.length },
      };
    };
    if (!tool) return failed(`There is no tool named ${JSON.stringify(call.name)}. The tools are ${names.join(', ')}.`);
    let input: unknown;
    try {
      input = JSON.parse(call.arguments || '{}');
    } catch {
      return failed('The arguments are not valid JSON. Send one JSON object matching the tool\'s schema.');
    }
    if (!input || typeof input !== 'object' || Array.isArray(input)) return failed('The arguments must be one JSON object.');
    try {
      const output = await tool.run(input as Record<string, unknown>, signal);
      const rendered = renderToolResult(output, this.options.resultBudgetChars ?? defaultResultBudgetChars);
      return {
        message: { role: 'tool', toolCallId: call.id, name: call.name, content: rendered.text },
        report: { id: call.id, name: call.name, arguments: call.arguments, isError: false, summary: rendered.text.split('\n')[0]!, cut: rendered.cut, sources: rendered.sources, chars: rendered.text.length },
      };
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      // A tool's bug is the model's error result too, and ours to read in the log.
      if (!(error instanceof ToolFailure)) this.logger.warn(`Agent tool ${call.name} failed: ${errorMessage(error)}`);
      return failed(errorMessage(error));
    }
  }

  private report(steps: AgentStep[], step: AgentStep, onStep: AgentRunOptions['onStep']): void {
    steps.push(step);
    onStep?.(step);
  }
}

interface ExecutedCall {
  readonly message: ToolResultMessage;
  readonly report: AgentCallReport;
}
