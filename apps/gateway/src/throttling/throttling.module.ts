import { Module } from '@nestjs/common';
import { RedisThrottlerStorage } from './redis-throttler-storage';
import { SignInLimiter } from './sign-in-limiter';

/** Counting clients in Redis: the API's rate limit and the limit of failed sign-ins. */
@Module({
  providers: [RedisThrottlerStorage, SignInLimiter],
  exports: [RedisThrottlerStorage, SignInLimiter],
})
export class ThrottlingModule {}
