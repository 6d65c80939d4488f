import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, NotFoundException } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { CatalogStore } from '@app/catalog';
import {
  ConversationStore,
  HandoffRecord,
  StepRequestTrace,
  StoredConversation,
  TURN_QUEUE,
  TurnJobData,
  turnJobId,
  TurnJobResult,
} from '@app/conversation';
import type { BotMessage } from '@app/scenario';

/** A running timer of a chat, as the playground shows it. */
export interface RunningTimer {
  name: string;
  /** The agent whose scenario started it. */
  agentId: string;
  dueAt: string;
}

/** The chat's last Webim turn and where its time went, as its job reported it. */
export interface LastTurn {
  turn: string;
  at: string;
  /** What its call and llm steps sent and got (see the transcript). */
  requests: StepRequestTrace[];
  /** Null when the turn ran in the gateway (TURN_DRIVER=in-process) or its job is gone. */
  job: {
    status: TurnJobResult['status'] | null;
    /** From the job's creation to a worker taking it. */
    waitedMs: number | null;
    /** The scenario's run, calls included, up to the commit. */
    ranMs: number | null;
    steps: number | null;
    /** Buffered messages that went out at the head of the answer. */
    delivered: number | null;
  } | null;
}

export interface ChatState {
  channelId: string;
  chatId: string;
  conversation: StoredConversation | null;
  timers: RunningTimer[];
  bufferedMessages: BotMessage[];
  lastHandoff: HandoffRecord | null;
  lastTurn: LastTurn | null;
}

/**
 * What a chat is made of between turns, for an author trying an agent: its variables and
 * position, the timers it runs, the messages waiting for its next answer, and the cost of its
 * last turn. Read-only.
 */
@Injectable()
export class ChatStateService {
  constructor(
    private readonly catalog: CatalogStore,
    private readonly conversations: ConversationStore,
    @InjectQueue(TURN_QUEUE) private readonly turns: Queue<TurnJobData, TurnJobResult>,
  ) {}

  async read(channelId: string, chatId: string): Promise<ChatState> {
    if (!(await this.catalog.getChannel(channelId))) {
      throw new NotFoundException(`No channel "${channelId}"`);
    }
    const [stored, timers, outbox, transcript] = await Promise.all([
      this.conversations.read(channelId, chatId),
      this.conversations.timers(channelId, chatId),
      this.conversations.outbox(channelId, chatId),
      this.conversations.transcripts.read(channelId, chatId),
    ]);
    if (!stored.conversation && transcript.length === 0 && outbox.length === 0) {
      throw new NotFoundException(`No chat "${chatId}" in channel "${channelId}"`);
    }
    const last = transcript.findLast((entry) => entry.source === 'webim' && entry.turn);
    return {
      channelId,
      chatId,
      conversation: stored.conversation,
      timers: timers.map((t) => ({
        name: t.name,
        agentId: t.agentId,
        dueAt: new Date(t.dueAt).toISOString(),
      })),
      bufferedMessages: outbox,
      lastHandoff: stored.handoff,
      lastTurn: last?.turn
        ? {
            turn: last.turn,
            at: last.at,
            requests: last.requests ?? [],
            job: await this.turnJob(channelId, chatId, last.turn),
          }
        : null,
    };
  }

  /** The turn's job, kept JOB_RETENTION_SEC after it completed. */
  private async turnJob(
    channelId: string,
    chatId: string,
    turnId: string,
  ): Promise<LastTurn['job']> {
    const job = await this.turns.getJob(turnJobId(channelId, chatId, turnId));
    if (!job) return null;
    const result = job.returnvalue as TurnJobResult | null | undefined;
    return {
      status: result?.status ?? null,
      waitedMs: result?.waitedMs ?? null,
      ranMs: result?.ranMs ?? null,
      steps: result?.steps ?? null,
      delivered: result?.delivered ?? null,
    };
  }
}
