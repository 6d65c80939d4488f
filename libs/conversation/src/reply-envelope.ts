// Replies travel on Pub/Sub as "<jobId>\n<TurnReply JSON>": the gateway routes on the id
// without parsing the reply twice.

export function encodeReplyEnvelope(jobId: string, replyJson: string): string {
  return `${jobId}\n${replyJson}`;
}

export function decodeReplyEnvelope(message: string): { jobId: string; replyJson: string } | null {
  const split = message.indexOf('\n');
  if (split <= 0) return null;
  return { jobId: message.slice(0, split), replyJson: message.slice(split + 1) };
}
