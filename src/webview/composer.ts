// The composer: the question box with its `@` mention menu (@file turns it into a file picker
// fed by the host), the selection and Agent mode toggles, Send and Stop.
import { type AgentMode, imageLimits, type Question, type QuestionImage } from '../chat/protocol.ts';
import { extractMentions, fileMentionText, mentionAtCursor, mentionChoices } from './composerText.ts';
import { button, element, newId } from './dom.ts';

const imageTypes: readonly QuestionImage['mediaType'][] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

export interface ComposerEvents {
  readonly send: (question: Question) => void;
  readonly stop: () => void;
  readonly listFiles: (requestId: string, query: string) => void;
  /** The Agent toggle changed: the host keeps the mode (it outlives a reload of the panel). */
  readonly setAgentMode?: (on: boolean) => void;
}

interface MenuItem {
  readonly label: string;
  readonly description: string;
  readonly choose: () => void;
}

export class Composer {
  readonly element = element('form', undefined, 'composer');
  private readonly input = element('textarea');
  private readonly mentionMenu = element('ul', undefined, 'mention-menu');
  private readonly selectionBox = element('input');
  private readonly sendButton = element('button', 'Send');
  private readonly agentBox = element('input');
  private readonly agentToggle = element('label', undefined, 'agent-toggle');
  /** Pasted or dropped images, sent with the next question. */
  private images: QuestionImage[] = [];
  private readonly imageStrip = element('div', undefined, 'composer-images');
  private readonly imageNote = element('p', undefined, 'composer-image-note muted');
  private readonly stopButton: HTMLButtonElement;
  private busy = false;
  private menuItems: MenuItem[] = [];
  private menuIndex = 0;
  private fileQueryId = '';
  private readonly events: ComposerEvents;

  constructor(events: ComposerEvents) {
    this.events = events;
    const { input, mentionMenu, selectionBox, sendButton } = this;
    this.element.setAttribute('aria-label', 'Ask a question');
    input.setAttribute('aria-label', 'Ask Groundwork');
    input.placeholder = 'Ask about your code. Type @ to add context.';
    input.rows = 3;
    mentionMenu.setAttribute('role', 'listbox');
    mentionMenu.setAttribute('aria-label', 'Mentions');
    mentionMenu.hidden = true;
    const row = element('div', undefined, 'composer-row');
    const selectionToggle = element('label', undefined, 'selection-toggle');
    selectionBox.type = 'checkbox';
    selectionBox.checked = true;
    selectionToggle.append(selectionBox, document.createTextNode(' Include selection'));
    sendButton.type = 'submit';
    this.stopButton = button('Stop', () => {
      if (this.busy) events.stop();
    });
    this.stopButton.hidden = true;
    this.agentBox.type = 'checkbox';
    this.agentToggle.append(this.agentBox, document.createTextNode(' Agent'));
    this.agentToggle.hidden = true;
    this.agentBox.addEventListener('change', () => events.setAgentMode?.(this.agentBox.checked));
    row.append(selectionToggle, this.agentToggle, sendButton, this.stopButton);
    this.imageStrip.setAttribute('aria-label', 'Attached images');
    this.imageStrip.hidden = true;
    this.imageNote.hidden = true;
    this.element.append(mentionMenu, this.imageStrip, this.imageNote, input, row);
    input.addEventListener('paste', (event) => {
      const files = [...(event.clipboardData?.files ?? [])].filter((file) => file.type.startsWith('image/'));
      if (files.length === 0) return;
      event.preventDefault();
      void this.attach(files);
    });
    this.element.addEventListener('dragover', (event) => {
      if ([...(event.dataTransfer?.items ?? [])].some((item) => item.type.startsWith('image/'))) event.preventDefault();
    });
    this.element.addEventListener('drop', (event) => {
      const files = [...(event.dataTransfer?.files ?? [])].filter((file) => file.type.startsWith('image/'));
      if (files.length === 0) return;
      event.preventDefault();
      void this.attach(files);
    });

    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      this.send();
    });
    input.addEventListener('input', () => this.updateMenu());
    input.addEventListener('blur', () => setTimeout(() => this.closeMenu(), 150));
    input.addEventListener('keydown', (event) => this.onKey(event));
  }

  /** While an answer is in flight Stop replaces Send. */
  setBusy(busy: boolean): void {
    this.busy = busy;
    this.stopButton.hidden = !busy;
    this.sendButton.hidden = busy;
  }

  /** Shows the host's Agent mode; hidden when the chat has none. */
  setAgentMode(mode: AgentMode | undefined): void {
    const { agentBox, agentToggle } = this;
    agentToggle.hidden = mode === undefined;
    agentBox.checked = mode === 'on';
    agentBox.disabled = mode === 'settingOff';
    agentToggle.title =
      mode === 'settingOff'
        ? 'Agent mode is off in settings (groundwork.agent.enabled).'
        : 'Agent mode: with a model that calls tools, Groundwork may search and read further in the workspace before it answers. Off: one pass from the first search.';
  }

  /** Puts a failed question back, unless something new was typed meanwhile: nothing typed is lost. */
  restore(question: Question): void {
    if (this.input.value.trim() === '') this.input.value = question.text;
    this.selectionBox.checked = question.includeSelection;
    if (this.images.length === 0 && question.images && question.images.length > 0) {
      this.images = [...question.images];
      this.renderImages();
    }
  }

  /** The host's answer to a file query; ignored unless it answers the latest one. */
  showFiles(requestId: string, files: readonly string[]): void {
    if (requestId !== this.fileQueryId) return;
    const mention = mentionAtCursor(this.input.value, this.input.selectionStart);
    if (!mention || !mention.query.startsWith('file:')) return;
    this.showMenu(
      files.length === 0
        ? [{ label: 'No matching files', description: '', choose: () => this.closeMenu() }]
        : files.map((path) => ({ label: path, description: '', choose: () => this.replaceMention(mention.start, fileMentionText(path)) })),
    );
  }

  private send(): void {
    const text = this.input.value;
    if (text.trim() === '' || this.busy) return;
    this.closeMenu();
    this.input.value = '';
    const images = this.images;
    this.images = [];
    this.renderImages();
    this.events.send({ text, mentions: extractMentions(text), includeSelection: this.selectionBox.checked, ...(images.length > 0 ? { images } : {}) });
  }

  /** Reads pasted or dropped images; one of an unknown type, too large or past the count is refused with a note. */
  private async attach(files: readonly File[]): Promise<void> {
    const refused: string[] = [];
    for (const file of files) {
      if (!imageTypes.includes(file.type as QuestionImage['mediaType'])) refused.push(`${file.name || 'an image'}: PNG, JPEG, GIF or WebP only`);
      else if (file.size > imageLimits.bytes) refused.push(`${file.name || 'an image'}: larger than ${imageLimits.bytes / (1024 * 1024)} MB`);
      else if (this.images.length >= imageLimits.count) refused.push(`${file.name || 'an image'}: at most ${imageLimits.count} images a question`);
      else {
        const dataUrl = await new Promise<string>((resolve, reject) => {
          const reader = new FileReader();
          reader.onload = () => resolve(String(reader.result));
          reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
          reader.readAsDataURL(file);
        });
        this.images.push({ name: file.name || 'pasted image', mediaType: file.type as QuestionImage['mediaType'], base64: dataUrl.slice(dataUrl.indexOf(',') + 1) });
      }
    }
    this.renderImages(refused.length > 0 ? `Not attached: ${refused.join('; ')}.` : undefined);
  }

  private renderImages(problem?: string): void {
    this.imageStrip.replaceChildren(
      ...this.images.map((image, index) => {
        const item = element('div', undefined, 'composer-image');
        const picture = element('img');
        picture.src = `data:${image.mediaType};base64,${image.base64}`;
        picture.alt = image.name;
        item.append(
          picture,
          button('×', () => {
            this.images.splice(index, 1);
            this.renderImages();
          }, 'composer-image-remove'),
        );
        item.lastElementChild?.setAttribute('aria-label', `Remove ${image.name}`);
        return item;
      }),
    );
    this.imageStrip.hidden = this.images.length === 0;
    // Pixels are not redacted: a screenshot goes as it is.
    this.imageNote.textContent = problem ?? (this.images.length > 0 ? 'Images go to the model as they are: no secret in them is redacted.' : '');
    this.imageNote.hidden = this.imageNote.textContent === '';
  }

  private onKey(event: KeyboardEvent): void {
    if (!this.mentionMenu.hidden && this.menuItems.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        this.moveMenu(event.key === 'ArrowDown' ? 1 : -1);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        this.menuItems[this.menuIndex]?.choose();
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        this.closeMenu();
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.send();
    } else if (event.key === 'Escape' && this.busy) {
      this.events.stop();
    }
  }

  private closeMenu(): void {
    this.mentionMenu.hidden = true;
    this.menuItems = [];
    this.input.removeAttribute('aria-activedescendant');
  }

  private replaceMention(start: number, text: string): void {
    const { input } = this;
    const cursor = input.selectionStart;
    input.value = `${input.value.slice(0, start)}${text} ${input.value.slice(cursor)}`;
    const at = start + text.length + 1;
    input.setSelectionRange(at, at);
    input.focus();
    this.closeMenu();
  }

  private showMenu(items: MenuItem[]): void {
    this.menuItems = items;
    this.menuIndex = 0;
    this.mentionMenu.replaceChildren();
    items.forEach((item, index) => {
      const option = element('li', undefined, index === this.menuIndex ? 'active' : undefined);
      option.id = `mention-${index}`;
      option.setAttribute('role', 'option');
      option.setAttribute('aria-selected', String(index === this.menuIndex));
      option.append(element('span', item.label), element('span', ` ${item.description}`, 'muted'));
      option.addEventListener('mousedown', (event) => {
        event.preventDefault();
        item.choose();
      });
      this.mentionMenu.append(option);
    });
    this.mentionMenu.hidden = items.length === 0;
    if (items.length > 0) this.input.setAttribute('aria-activedescendant', 'mention-0');
  }

  private moveMenu(step: number): void {
    if (this.menuItems.length === 0) return;
    this.menuIndex = (this.menuIndex + step + this.menuItems.length) % this.menuItems.length;
    [...this.mentionMenu.children].forEach((child, index) => {
      child.classList.toggle('active', index === this.menuIndex);
      child.setAttribute('aria-selected', String(index === this.menuIndex));
    });
    this.input.setAttribute('aria-activedescendant', `mention-${this.menuIndex}`);
  }

  private updateMenu(): void {
    const mention = mentionAtCursor(this.input.value, this.input.selectionStart);
    if (!mention) {
      this.closeMenu();
      return;
    }
    if (mention.query.startsWith('file:')) {
      this.fileQueryId = newId();
      this.events.listFiles(this.fileQueryId, mention.query.slice('file:'.length));
      return;
    }
    const choices = mentionChoices.filter((choice) => choice.token.slice(1).startsWith(mention.query.toLowerCase()));
    this.showMenu(
      choices.map((choice) => ({
        label: choice.token,
        description: choice.description,
        choose: () => {
          if (choice.token === '@file') {
            this.replaceMention(mention.start, '@file:');
            // The picker lists files as soon as the host answers; the space we added goes.
            this.input.value = this.input.value.replace(/@file: $/, '@file:');
            this.updateMenu();
          } else {
            this.replaceMention(mention.start, choice.token);
          }
        },
      })),
    );
  }
}
