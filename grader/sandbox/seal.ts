// Message authentication between the sandbox and the grader: an HMAC-SHA256
// of each message's JSON text with a key made for one sandbox process. The
// key reaches the sandbox only in the grader's first IPC message and lives in
// a closure, so student code, which loads later, can send messages but cannot
// make ones the grader accepts.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { EnvelopeSchema, FromSandboxSchema, type Envelope, type FromSandbox } from './protocol.ts';

export function newKey(): string {
  return randomBytes(32).toString('hex');
}

/**
 * The sandbox's side. Everything it uses is taken now, before student code
 * could replace JSON.stringify or crypto's functions.
 */
export function sealer(key: string): (message: FromSandbox) => Envelope {
  const stringify = JSON.stringify;
  const hmac = createHmac;
  return (message) => {
    const body = stringify(message);
    return { body, mac: hmac('sha256', key).update(body).digest('hex') };
  };
}

/** The grader's side: the message, or why it was refused. */
export function unseal(key: string, raw: unknown): { message: FromSandbox } | { refused: string } {
  const envelope = EnvelopeSchema.safeParse(raw);
  if (!envelope.success) return { refused: 'it is not a signed message' };
  const { body, mac } = envelope.data;
  const expected = createHmac('sha256', key).update(body).digest();
  if (!timingSafeEqual(expected, Buffer.from(mac, 'hex'))) return { refused: 'its signature is wrong' };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { refused: 'it is not JSON' };
  }
  const message = FromSandboxSchema.safeParse(json);
  if (!message.success) return { refused: `it is malformed (${message.error.issues[0]?.message ?? 'unknown'})` };
  return { message: message.data };
}

/** The grader's side of a reply: `body` signed with the run's key. */
export function signReply(key: string, body: string): { body: string; mac: string } {
  return { body, mac: createHmac('sha256', key).update(body).digest('hex') };
}

/** The sandbox's side: whether a reply was signed with the key. Taken before student code loads. */
export function replyChecker(key: string): (reply: { body?: unknown; mac?: unknown }) => reply is { body: string; mac: string } {
  const hmac = createHmac;
  return (reply): reply is { body: string; mac: string } =>
    typeof reply.body === 'string' && typeof reply.mac === 'string' && hmac('sha256', key).update(reply.body).digest('hex') === reply.mac;
}
