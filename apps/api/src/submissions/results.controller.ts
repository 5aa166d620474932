import { Controller, Get, Inject, Param, Req, Res, StreamableFile, type OnModuleDestroy } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SessionService } from '../auth/session.service';
import { LiveStreams } from './live-streams';
import { isFinalStatus, type TProgressView, type TResultView } from '@epoch/contracts';
import {
  artifactContent,
  findSubmission,
  findWithResult,
  latestEpochs,
  publicPartHidden,
  resultHidden,
  resultView,
  submissionProgress,
  type TGradingDeps,
} from '@epoch/grading';
import { API_CONFIG, GRADING_DEPS, type TApiConfig } from '../config';
import { AccessService } from '../access/access.service';
import { Caller, type AuthContext, type AuthedRequest } from '../auth/auth-context';
import { ApiError } from '../http/api-error';

/** How often a live stream asks whether its session still lives (sign-out elsewhere, expiry). */
const SESSION_RECHECK_MS = 2000;

/** Parses an SSE `Last-Event-ID` (`attempt.epoch`); anything else starts from the beginning. */
export function parseEventId(id: string | undefined): { attempt: number; epoch: number } | undefined {
  const m = id ? /^(\d{1,6})\.(\d{1,6})$/.exec(id) : null;
  return m ? { attempt: Number(m[1]), epoch: Number(m[2]) } : undefined;
}

@Controller('api/submissions')
export class ResultsController implements OnModuleDestroy {
  constructor(
    @Inject(GRADING_DEPS) private readonly grading: TGradingDeps,
    @Inject(API_CONFIG) private readonly config: TApiConfig,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(LiveStreams) private readonly streams: LiveStreams,
    @Inject(SessionService) private readonly sessions: SessionService,
  ) {}

  private async visible(caller: AuthContext, id: string) {
    const { submission, role } = await this.access.submission(caller, id);
    return { submission, hidden: resultHidden(submission.exercise.policy, role === 'OWNER' ? 'OWNER' : 'STAFF') };
  }

  /** Polling: status, queue position, ETA and the epochs so far. */
  @Get(':id/progress')
  async poll(@Caller() caller: AuthContext, @Param('id') id: string): Promise<TProgressView> {
    const { submission, hidden } = await this.visible(caller, id);
    return submissionProgress(this.grading, submission, submission.exercise.policy, hidden);
  }

  /**
   * Server-sent events: `status` (status, queue position, ETA) whenever it changes, `epoch` for every trained epoch
   * (id `attempt.epoch`, so a reconnect with Last-Event-ID resumes after the last one received), `end` when final, or
   * when the session ends (signed out, here or elsewhere, or expired: `{ reason }`). At most EPOCH_SSE_MAX_PER_USER
   * streams per user (LiveStreams).
   */
  @Get(':id/events')
  async events(@Caller() caller: AuthContext, @Param('id') id: string, @Req() req: AuthedRequest, @Res() res: Response): Promise<void> {
    const { submission, hidden } = await this.visible(caller, id);
    let closed = false;
    const send = (event: string, data: unknown, eventId?: string) => {
      if (!closed && !res.writableEnded) res.write(`${eventId ? `id: ${eventId}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    // Without a reason (the API shutting down) the stream just ends and the browser reconnects, to this API once it
    // is back; with one (the session ended) the last event says why, and the browser stops.
    const end = (reason?: string) => {
      if (reason) send('end', { reason });
      closed = true;
      if (!res.writableEnded) res.end();
    };
    const stream = this.streams.open(caller, end);
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    // The response's close (not the request's, which ends once its empty body is read) means the client went away.
    res.on('close', () => {
      closed = true;
    });
    let last = parseEventId(req.header('last-event-id') ?? (typeof req.query['lastEventId'] === 'string' ? req.query['lastEventId'] : undefined));
    let lastStatus = '';
    let lastBeat = Date.now();
    let lastSessionCheck = Date.now();
    res.write('retry: 2000\n\n');
    try {
      for (let s = submission; !closed;) {
        // Status first, then epochs: the grader stores an attempt's epochs before its final status, so reading in this
        // order never ends the stream with an epoch missing.
        const p = await submissionProgress(this.grading, s, submission.exercise.policy, hidden, false);
        const key = JSON.stringify([p.status, p.queuePosition, p.etaSeconds, p.live]);
        if (key !== lastStatus) {
          lastStatus = key;
          const { epochs: _none, ...status } = p;
          send('status', status, last ? `${last.attempt}.${last.epoch}` : undefined);
        }
        for (const e of await latestEpochs(this.grading.prisma, s.id, last)) {
          last = { attempt: e.attempt, epoch: e.epoch };
          send('epoch', e, `${e.attempt}.${e.epoch}`);
        }
        if (isFinalStatus(s.status)) {
          send('end', { status: p.status });
          break;
        }
        if (Date.now() - lastBeat > 15_000) {
          if (!closed && !res.writableEnded) res.write(': keep-alive\n\n');
          lastBeat = Date.now();
        }
        await new Promise((r) => setTimeout(r, this.config.EPOCH_SSE_POLL_MS));
        // A sign-out in another API process, or the session's expiry, ends the stream too (the session cache keeps
        // this to one database query per SESSION_RECHECK_MS at most).
        if (Date.now() - lastSessionCheck >= SESSION_RECHECK_MS) {
          lastSessionCheck = Date.now();
          if (!req.sessionToken || !(await this.sessions.resolve(req.sessionToken))) {
            end('the session ended (signed out or expired)');
            break;
          }
        }
        const next = await findSubmission(this.grading.prisma, id);
        if (!next) break;
        s = { ...submission, ...next };
      }
    } finally {
      stream.release();
      if (!closed) end();
    }
  }

  /** On shutdown every open stream ends at once (its poll may be waiting on a connection being closed). */
  onModuleDestroy(): void {
    this.streams.endAll();
  }

  /** The result: metrics, pass/fail, history, backend, durations and the artifacts' addresses. */
  @Get(':id/result')
  async result(@Caller() caller: AuthContext, @Param('id') id: string): Promise<TResultView> {
    // The submission, the caller's right to it, its result and artifact names: one query (polled often).
    const found = await findWithResult(this.grading.prisma, id, caller.userId);
    const { submission, role } = this.access.decide(caller, found, id);
    return resultView(this.grading.prisma, submission, resultHidden(submission.exercise.policy, role === 'OWNER' ? 'OWNER' : 'STAFF'));
  }

  /**
   * A plot (PNG), its data (JSON) or the weights, with its content type, from the artifact store; immutable once stored
   * (the ETag is the content's hash), so cacheable by the browser.
   */
  @Get(':id/artifacts/:name')
  async artifact(
    @Caller() caller: AuthContext,
    @Param('id') id: string,
    @Param('name') name: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile | undefined> {
    const { submission, hidden } = await this.visible(caller, id);
    if (publicPartHidden(hidden, submission.exercise.policy)) throw new ApiError(403, 'result_hidden', 'plots are shown after the deadline');
    const a = await artifactContent(this.grading, id, name);
    res.set({ ETag: a.etag, 'Cache-Control': 'private, max-age=86400' });
    if (req.header('if-none-match') === a.etag) {
      res.status(304);
      return undefined;
    }
    const bytes = await a.bytes();
    return new StreamableFile(bytes, { type: a.contentType, length: bytes.length });
  }
}
