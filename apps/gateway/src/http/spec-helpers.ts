// Helpers shared by the gateway's specs (not used by the application).
import { HttpException } from '@nestjs/common';

/** The status and message a call was refused with; fails the test if it was not refused. */
export async function refusal(call: Promise<unknown>): Promise<[number, string]> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof HttpException)) {
    throw new Error(`Expected an HttpException, got ${String(error)}`);
  }
  return [error.getStatus(), error.message];
}
