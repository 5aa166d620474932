import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { API_CONFIG, REDIS, type TApiConfig } from '../config';
import { ApiError } from '../http/api-error';

/** Fixed-window count of sign-in attempts per client address, in Redis so it holds across API processes. */
@Injectable()
export class LoginLimiter {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(API_CONFIG) private readonly config: TApiConfig,
  ) {}

  async hit(clientKey: string): Promise<void> {
    const key = `${this.config.EPOCH_QUEUE_PREFIX}:epoch:login-rate:${clientKey}`;
    const [[, count], [, ttl]] = (await this.redis.multi().incr(key).ttl(key).exec()) as [[unknown, number], [unknown, number]];
    if (ttl < 0) await this.redis.expire(key, this.config.EPOCH_LOGIN_RATE_WINDOW_SECONDS);
    if (count > this.config.EPOCH_LOGIN_RATE_LIMIT) {
      const e = new ApiError(429, 'rate_limited', `too many sign-in attempts; try again in ${Math.max(ttl, 1)} s`);
      throw Object.assign(e, { retryAfter: Math.max(ttl, 1) });
    }
  }
}
