import { Inject, Injectable } from '@nestjs/common';
import { API_CONFIG, type TApiConfig } from '../config';
import { ApiError } from '../http/api-error';
import type { AuthContext } from '../auth/auth-context';

interface TStream {
  sessionId: string;
  /** Ends the stream: with a reason, its last event says why; without (shutdown), the browser reconnects. */
  end: (reason?: string) => void;
}

/**
 * The live-progress streams (SSE) this API process holds, by user: at most EPOCH_SSE_MAX_PER_USER each (one student
 * with hundreds of streams slowed everyone's answers), and ended at once when their session signs out (here; a stream
 * also re-checks its session on its own, which catches a sign-out in another process and an expiry).
 */
@Injectable()
export class LiveStreams {
  private readonly byUser = new Map<string, Set<TStream>>();

  constructor(@Inject(API_CONFIG) private readonly config: TApiConfig) {}

  /** Registers a stream of the caller; refused (429) when the user already holds the maximum. Release it when it ends. */
  open(caller: AuthContext, end: TStream['end']): { release: () => void } {
    const mine = this.byUser.get(caller.userId) ?? new Set<TStream>();
    const max = this.config.EPOCH_SSE_MAX_PER_USER;
    if (mine.size >= max) {
      throw new ApiError(429, 'too_many_streams', `you already follow ${max} submissions live (one per open submission page); close some of those tabs`);
    }
    const stream: TStream = { sessionId: caller.sessionId, end };
    mine.add(stream);
    this.byUser.set(caller.userId, mine);
    return {
      release: () => {
        mine.delete(stream);
        if (mine.size === 0 && this.byUser.get(caller.userId) === mine) this.byUser.delete(caller.userId);
      },
    };
  }

  /** How many streams the user holds open in this process. */
  count(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  /** Ends every stream (the API shutting down: browsers reconnect, to this API once it is back). */
  endAll(): void {
    for (const mine of [...this.byUser.values()]) for (const s of [...mine]) s.end();
  }

  /** Ends the streams of one session (sign-out), or of all a user's sessions but `keepSessionId` (sign-out everywhere, password change). */
  endSessions(match: { sessionId: string; userId: string } | { userId: string; keepSessionId?: string }, reason: string): void {
    for (const s of [...(this.byUser.get(match.userId) ?? [])]) {
      const gone = 'sessionId' in match ? s.sessionId === match.sessionId : s.sessionId !== match.keepSessionId;
      if (gone) s.end(reason);
    }
  }
}
