import { byId, el, fill } from './dom.js';
import { botMessage, requestLine } from './transcript-view.js';
import type { ChatState } from './types.js';

// What a chat is made of after its last turn (GET /api/channels/{id}/chats/{chatId}/state):
// where the turn's time went, the position in the scenario, the variables, the timers armed and
// the messages waiting in the outbox.

export class Inspector {
  private readonly root = byId('inspector');

  clear(): void {
    fill(this.root, el('p', { class: 'muted' }, 'Start a chat to see its state after each turn.'));
  }

  /** `roundTripMs`: the webhook's answer time as this page measured it, when a turn just ran. */
  show(state: ChatState, fire: (timer: string) => void, roundTripMs?: number): void {
    const job = state.lastTurn?.job;
    const conversation = state.conversation;
    fill(
      this.root,
      el('h3', {}, 'Last turn'),
      el(
        'dl',
        { id: 'turn-timing' },
        ...pair('round trip', roundTripMs === undefined ? '–' : `${Math.round(roundTripMs)} ms`),
        ...pair('queue wait', ms(job?.waitedMs)),
        ...pair('run', ms(job?.ranMs)),
        ...pair('steps', job?.steps ?? '–'),
        ...pair('outcome', job?.status ?? '–'),
      ),
      el('h3', {}, 'Requests'),
      state.lastTurn && state.lastTurn.requests.length > 0
        ? el('div', { id: 'requests' }, ...state.lastTurn.requests.map(requestLine))
        : el('p', { class: 'muted' }, 'None in the last turn.'),
      el('h3', {}, 'Position'),
      conversation
        ? el(
            'dl',
            { id: 'position' },
            ...pair('status', conversation.state.status),
            ...pair('branch', conversation.state.branch),
            ...pair('step', conversation.state.step),
            ...pair('turns', conversation.state.turns),
            ...pair('agent', `${conversation.agentId} v${conversation.agentVersion}`),
          )
        : el('p', { class: 'muted' }, 'No conversation.'),
      el('h3', {}, 'Variables'),
      conversation && Object.keys(conversation.state.vars).length > 0
        ? el(
            'table',
            { id: 'variables' },
            ...Object.entries(conversation.state.vars).map(([name, value]) =>
              el('tr', { 'data-var': name }, el('th', {}, name), el('td', {}, value)),
            ),
          )
        : el('p', { class: 'muted' }, 'None.'),
      el('h3', {}, 'Timers armed'),
      state.timers.length > 0
        ? el(
            'ul',
            { id: 'timers' },
            ...state.timers.map((timer) =>
              el(
                'li',
                { 'data-timer': timer.name },
                `${timer.name}, due ${dueIn(timer.dueAt)} `,
                el(
                  'button',
                  { type: 'button', class: 'fire-timer', onclick: () => fire(timer.name) },
                  'Fire now',
                ),
              ),
            ),
          )
        : el('p', { class: 'muted' }, 'None.'),
      el('h3', {}, 'Outbox'),
      state.bufferedMessages.length > 0
        ? el(
            'div',
            { id: 'outbox' },
            ...state.bufferedMessages.map((message) => botMessage(message)),
          )
        : el(
            'p',
            { class: 'muted', id: 'outbox-empty' },
            'Empty: nothing waits for the next answer.',
          ),
    );
  }
}

function pair(term: string, value: string | number): HTMLElement[] {
  return [el('dt', {}, term), el('dd', { 'data-term': term }, String(value))];
}

function ms(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${value} ms`;
}

function dueIn(iso: string): string {
  const seconds = Math.round((Date.parse(iso) - Date.now()) / 1000);
  return seconds > 0 ? `in ${seconds} s` : 'now';
}
