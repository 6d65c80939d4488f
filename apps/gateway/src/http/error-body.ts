import { STATUS_CODES } from 'node:http';

/** The one error format of every HTTP endpoint. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown[];
}

export function errorBody(statusCode: number, message: string, details?: unknown[]): ErrorBody {
  return {
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message,
    ...(details && details.length > 0 ? { details } : {}),
  };
}
