import { randomUUID } from 'node:crypto';
import type { Provider } from '@nestjs/common';

/** Identifies this gateway process; workers publish its replies to a channel named after it. */
export const INSTANCE_ID = Symbol('INSTANCE_ID');

export const instanceIdProvider: Provider = {
  provide: INSTANCE_ID,
  useFactory: () => randomUUID(),
};
