import { type Logger, nullLogger } from '../common/logger.ts';
import type { Conversation, ConversationSummaryText, HistoryStore } from './historyStore.ts';
import type { ChatMessageView, ConversationSummary } from './protocol.ts';

export interface ChatSessionOptions {
  readonly store: HistoryStore;
  readonly logger?: Logger;
  readonly now?: () => number;
  readonly newId?: () => string;
}

const titleLength = 60;

/**
 * The workspace's conversations and which one is open. Every change is saved at once (through
 * the store's queue), so a window reload finds the conversation as it was.
 */
export class ChatSession {
  private readonly store: HistoryStore;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly newId: () => string;
  private conversations: Conversation[];
  private activeId: string;

  constructor(options: ChatSessionOptions) {
    this.store = options.store;
    this.logger = options.logger ?? nullLogger;
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? (() => crypto.randomUUID());
    const history = options.store.load();
    this.conversations = [...history.conversations];
    const active = history.activeId ?? this.conversations[0]?.id;
    this.activeId = active ?? this.create().id;
  }

  get active(): Conversation {
    return this.conversations.find((conversation) => conversation.id === this.activeId)!;
  }

  list(): ConversationSummary[] {
    return this.conversations
      .filter((conversation) => conversation.messages.length > 0)
      .map((conversation) => ({ id: conversation.id, title: conversation.title, updatedAt: conversation.updatedAt, messageCount: conversation.messages.length }));
  }

  /** Starts an empty conversation, unless the open one is already empty. */
  newChat(): Conversation {
    if (this.active.messages.length === 0) return this.active;
    this.activeId = this.create().id;
    this.persist();
    return this.active;
  }

  select(id: string): boolean {
    if (!this.conversations.some((conversation) => conversation.id === id)) return false;
    this.activeId = id;
    this.persist();
    return true;
  }

  delete(id: string): void {
    this.conversations = this.conversations.filter((conversation) => conversation.id !== id);
    if (this.activeId === id) this.activeId = this.conversations[0]?.id ?? this.create().id;
    this.persist();
  }

  /** Appends to a conversation (the open one by default); the first user message names it. */
  append(message: ChatMessageView, conversationId = this.activeId): void {
    this.update(conversationId, (conversation) => ({
      ...conversation,
      title: conversation.messages.length === 0 && message.role === 'user' ? titleOf(message.text) : conversation.title,
      updatedAt: this.now(),
      messages: [...conversation.messages, message],
    }));
  }

  setSummary(conversationId: string, summary: ConversationSummaryText): void {
    this.update(conversationId, (conversation) => ({ ...conversation, summary }));
  }

  flush(): Promise<void> {
    return this.store.flush();
  }

  private update(id: string, change: (conversation: Conversation) => Conversation): void {
    const index = this.conversations.findIndex((conversation) => conversation.id === id);
    if (index < 0) return;
    const updated = change(this.conversations[index]!);
    // Most recent first, as the history list shows them.
    this.conversations.splice(index, 1);
    this.conversations.unshift(updated);
    this.persist();
  }

  private create(): Conversation {
    const time = this.now();
    const conversation: Conversation = { id: this.newId(), title: 'New chat', createdAt: time, updatedAt: time, messages: [] };
    this.conversations.unshift(conversation);
    return conversation;
  }

  private persist(): void {
    const conversations = this.conversations.filter((conversation) => conversation.messages.length > 0 || conversation.id === this.activeId);
    void this.store.save({ activeId: this.activeId, conversations }).catch((error: unknown) => this.logger.warn(`Could not save the chat history: ${String(error)}`));
  }
}

function titleOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > titleLength ? `${flat.slice(0, titleLength - 1)}…` : flat || 'New chat';
}
