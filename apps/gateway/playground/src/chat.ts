import { api, errorText } from './api.js';
import { byId, el, fill } from './dom.js';
import { Inspector } from './inspector.js';
import { botLine, handoffLine, keyboard, systemLine, visitorLine } from './transcript-view.js';
import type { Button, Channel, ChatDetail, ChatState, WebimAnswer } from './types.js';

// The chat as a Webim visitor sees it, through the real path: the page POSTs Webim's own
// requests to the sandbox channel's webhook, where the gateway queues the turn for a worker
// exactly as it does for Webim. The webhook URL is read from the management API, which the
// admin token already opens; it is called from this page on the same origin, so the token in
// its path goes nowhere the admin token does not.

const SANDBOX_PREFIX = 'Playground: ';

/** Whether a channel is one the playground made for trying an agent. */
export function isSandbox(channel: Channel): boolean {
  return channel.name.startsWith(SANDBOX_PREFIX);
}

/** How long to watch the outbox after firing a timer or sending an incoming request. */
const WATCH_MS = 10_000;
const WATCH_EVERY_MS = 250;

export class Chat {
  private readonly messages = byId('messages');
  private readonly status = byId('chat-status');
  private readonly input = byId<HTMLInputElement>('say');
  private readonly inspector = new Inspector();
  private agentId: string | null = null;
  private channel: Channel | null = null;
  private chatId: string | null = null;
  private chats = 0;

  constructor() {
    byId('composer').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.sayText();
    });
    byId('new-chat').addEventListener('click', () => void this.newChat());
    byId('event-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.sendEvent();
    });
    this.inspector.clear();
  }

  /** Talks to `agentId` from now on, in a new chat. */
  useAgent(agentId: string): void {
    this.agentId = agentId;
    this.channel = null;
    this.chatId = null;
    fill(this.messages, systemLine(`Talking to ${agentId}. Press "New chat" to start.`));
    this.inspector.clear();
    this.note('', `Agent ${agentId}, as trained.`);
  }

  /**
   * The agent's sandbox channel: one of its own, created active on the first chat
   * (POST /api/channels) and kept for the next ones.
   */
  private async sandbox(agentId: string): Promise<Channel | null> {
    const name = `${SANDBOX_PREFIX}${agentId}`;
    const listed = await api<Channel[]>('/api/channels');
    if (!listed.ok) return this.refused(errorText(listed));
    let channel = listed.body.find((c) => c.name === name && c.agentId === agentId);
    if (!channel) {
      const created = await api<Channel>('/api/channels', {
        method: 'POST',
        json: { name, agentId, activate: true },
      });
      if (!created.ok) return this.refused(`No sandbox channel: ${errorText(created)}`);
      channel = created.body;
    } else if (channel.status !== 'active') {
      const activated = await api<Channel>(`/api/channels/${channel.id}/activate`, {
        method: 'POST',
      });
      if (activated.ok) channel = activated.body;
    }
    if (channel.status !== 'active') {
      const failed = channel.activation?.checks.filter((c) => !c.ok).map((c) => c.reason) ?? [];
      return this.refused(`The sandbox channel is inactive. ${failed.join(' ')}`);
    }
    this.note('', `Agent ${agentId} in sandbox channel ${channel.id}.`);
    return channel;
  }

  private refused(text: string): null {
    this.note('error', text);
    return null;
  }

  /** `new_chat`, with the pre-chat messages typed in, one a line. */
  private async newChat(): Promise<void> {
    if (!this.agentId) return this.note('error', 'Pick or train an agent first.');
    this.channel ??= await this.sandbox(this.agentId);
    if (!this.channel) return;
    this.chatId = `playground-${Date.now().toString(36)}-${++this.chats}`;
    const firstname = byId<HTMLInputElement>('visitor-name').value.trim();
    const prechat = byId<HTMLTextAreaElement>('prechat')
      .value.split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    fill(this.messages, systemLine(`New chat ${this.chatId}`));
    for (const text of prechat) this.messages.append(visitorLine(text, 'pre-chat message'));
    await this.send({
      event: 'new_chat',
      chat: { id: this.chatId },
      visitor: { id: 'playground-visitor', ...(firstname && { firstname }) },
      ...(prechat.length > 0 && { messages: prechat.map((text) => ({ kind: 'visitor', text })) }),
    });
  }

  private async sayText(): Promise<void> {
    const text = this.input.value.trim();
    if (!text || !this.chatId) return;
    this.input.value = '';
    this.messages.append(visitorLine(text));
    await this.send({ event: 'new_message', chat: { id: this.chatId }, kind: 'visitor', text });
  }

  private async press(button: Button): Promise<void> {
    if (!this.chatId) return;
    this.messages.append(visitorLine(`[${button.text}]`, 'pressed'));
    await this.send({
      event: 'new_message',
      chat: { id: this.chatId },
      kind: 'keyboard_response',
      response: { button: { id: button.id, text: button.text } },
    });
  }

  /** One Webim request to the webhook, its answer rendered as Webim would show it. */
  private async send(body: unknown): Promise<void> {
    const channel = this.channel!;
    const recordedBefore = (await this.detail())?.transcript.length ?? 0;
    const started = performance.now();
    const response = await fetch(new URL(channel.webhookUrl).pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const roundTripMs = performance.now() - started;
    const text = await response.text();
    if (response.status !== 200) {
      this.messages.append(systemLine(`The webhook answered ${response.status}: ${text}`));
      return;
    }
    const answer = JSON.parse(text) as WebimAnswer;
    const [state, detail] = await Promise.all([this.state(), this.detail()]);
    // This request's transcript entry: the chat's last Webim one, unless it was already there
    // before (a hand-off decided without Redis is not recorded).
    const entries = detail?.transcript ?? [];
    const entry =
      entries.length > recordedBefore ? entries.findLast((e) => e.source === 'webim') : undefined;
    if (answer.has_answer) {
      // The answer starts with what timers and incoming requests buffered since the last one.
      const delivered = entry?.delivered?.length ?? 0;
      answer.messages.forEach((message, i) => {
        const note = i < delivered ? 'buffered earlier, delivered with this answer' : undefined;
        this.messages.append(
          message.kind === 'operator'
            ? botLine(message.text, note)
            : keyboard(message.buttons, (button) => void this.press(button)),
        );
      });
    } else {
      this.messages.append(handoffLine(entry?.handoff));
    }
    this.messages.scrollTop = this.messages.scrollHeight;
    if (state) this.inspector.show(state, (timer) => void this.fire(timer), roundTripMs);
  }

  private async fire(timer: string): Promise<void> {
    if (!this.channel || !this.chatId) return;
    const before = await this.buffered();
    const answer = await api(`${this.chatPath()}/timers/${encodeURIComponent(timer)}/fire`, {
      method: 'POST',
    });
    if (!answer.ok) return this.note('error', errorText(answer));
    this.messages.append(
      systemLine(`Timer "${timer}" fired: its messages wait for the next answer.`),
    );
    await this.watchOutbox(before);
  }

  private async sendEvent(): Promise<void> {
    if (!this.channel || !this.chatId) return this.note('error', 'Start a chat first.');
    const name = byId<HTMLInputElement>('event-name').value.trim();
    const raw = byId<HTMLTextAreaElement>('event-data').value.trim();
    let data: unknown;
    try {
      data = raw ? JSON.parse(raw) : undefined;
    } catch {
      return this.note('error', 'The data must be a JSON object, e.g. {"order_id": "A-1"}.');
    }
    const before = await this.buffered();
    const answer = await api(`${this.chatPath()}/events`, {
      method: 'POST',
      json: { name, ...(data !== undefined && { data }) },
    });
    if (!answer.ok) return this.note('error', errorText(answer));
    this.messages.append(
      systemLine(`Incoming request "${name}" sent: its messages wait for the next answer.`),
    );
    await this.watchOutbox(before);
  }

  private async buffered(): Promise<number> {
    return (await this.state())?.bufferedMessages.length ?? 0;
  }

  /** Shows the state again until the proactive turn's messages are in the outbox. */
  private async watchOutbox(before: number): Promise<void> {
    const until = Date.now() + WATCH_MS;
    while (Date.now() < until) {
      const state = await this.state();
      if (state) this.inspector.show(state, (timer) => void this.fire(timer));
      if (state && state.bufferedMessages.length !== before) return;
      await new Promise((resolve) => setTimeout(resolve, WATCH_EVERY_MS));
    }
  }

  private chatPath(): string {
    return `/api/channels/${this.channel!.id}/chats/${encodeURIComponent(this.chatId!)}`;
  }

  private async state(): Promise<ChatState | null> {
    const answer = await api<ChatState>(`${this.chatPath()}/state`);
    return answer.ok ? answer.body : null;
  }

  private async detail(): Promise<ChatDetail | null> {
    const answer = await api<ChatDetail>(this.chatPath());
    return answer.ok ? answer.body : null;
  }

  private note(kind: string, text: string): void {
    fill(this.status, el('span', { class: kind }, text));
  }
}
