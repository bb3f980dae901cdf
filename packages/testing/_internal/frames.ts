// What a client may send over the sync socket (convex/src/browser/sync/protocol.ts), checked
// before the backend acts on it: a frame that is not one of these messages is refused with a
// reason, and never reaches the code that would trust its shape.
import type { JSONValue } from 'convex/values'

/** The largest frame the server reads: a function's arguments (16 MiB) and the message around them. */
export const MAX_FRAME_BYTES = 17 * 1024 * 1024

export interface ConnectMessage { type: 'Connect', sessionId: string, connectionCount: number }
export interface AddQuery { type: 'Add', queryId: number, udfPath: string, args: JSONValue[], journal?: string | null }
export interface RemoveQuery { type: 'Remove', queryId: number }
export interface ModifyQuerySetMessage { type: 'ModifyQuerySet', baseVersion: number, newVersion: number, modifications: Array<AddQuery | RemoveQuery> }
export interface RequestMessage { type: 'Mutation' | 'Action', requestId: number, udfPath: string, args: JSONValue[], componentPath?: string }
export interface AuthenticateMessage { type: 'Authenticate', tokenType: 'Admin' | 'User' | 'None', value?: string, baseVersion: number }
export interface EventMessage { type: 'Event', eventType: string, event: unknown }

/** A message of Convex's sync protocol from a client, its shape checked. */
export type ClientMessage = ConnectMessage | ModifyQuerySetMessage | RequestMessage | AuthenticateMessage | EventMessage

/** Why a frame is refused. */
export class InvalidFrame extends Error {
  override name = 'InvalidFrame'
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0

function check(ok: boolean, message: string): asserts ok {
  if (!ok)
    throw new InvalidFrame(message)
}

function checkFunctionCall(m: Record<string, unknown>, what: string) {
  check(typeof m.udfPath === 'string' && m.udfPath.length > 0 && m.udfPath.length <= 1024, `${what} needs a udfPath (a string like "messages:list").`)
  check(Array.isArray(m.args) && m.args.length <= 1, `${what} needs args: an array of one JSON object.`)
  check(m.componentPath === undefined || m.componentPath === null || typeof m.componentPath === 'string', `${what}'s componentPath must be a string.`)
}

function checkModification(m: unknown, i: number) {
  check(isObject(m), `ModifyQuerySet modification ${i} must be an object.`)
  check(isCount(m.queryId), `ModifyQuerySet modification ${i} needs a queryId (a non-negative integer).`)
  if (m.type === 'Add') {
    checkFunctionCall(m, `ModifyQuerySet modification ${i} (Add)`)
    check(m.journal === undefined || m.journal === null || typeof m.journal === 'string', `ModifyQuerySet modification ${i}'s journal must be a string or null.`)
  }
  else {
    check(m.type === 'Remove', `ModifyQuerySet modification ${i} has an unknown type ${JSON.stringify(m.type)} (Add or Remove).`)
  }
}

/**
 * The client message in `data` (a text frame), or an {@link InvalidFrame} saying what is wrong
 * with it: not JSON, not an object, an unknown type, a field missing or of the wrong type.
 */
export function parseClientMessage(data: unknown): ClientMessage {
  check(typeof data === 'string', 'Frames must be text (JSON): binary frames are not part of Convex\'s sync protocol.')
  let message: unknown
  try {
    message = JSON.parse(data)
  }
  catch {
    throw new InvalidFrame('The frame is not JSON: each frame must be one message of Convex\'s sync protocol.')
  }
  check(isObject(message), 'The frame must be a JSON object with a "type".')
  switch (message.type) {
    case 'Connect':
      check(typeof message.sessionId === 'string' && message.sessionId.length > 0 && message.sessionId.length <= 256, 'Connect needs a sessionId (a string).')
      check(isCount(message.connectionCount), 'Connect needs a connectionCount (a non-negative integer).')
      break
    case 'ModifyQuerySet':
      check(isCount(message.baseVersion) && isCount(message.newVersion), 'ModifyQuerySet needs baseVersion and newVersion (non-negative integers).')
      check(Array.isArray(message.modifications), 'ModifyQuerySet needs modifications (an array of Add and Remove).')
      message.modifications.forEach(checkModification)
      break
    case 'Mutation':
    case 'Action':
      check(isCount(message.requestId), `${message.type} needs a requestId (a non-negative integer).`)
      checkFunctionCall(message, message.type)
      break
    case 'Authenticate':
      check(isCount(message.baseVersion), 'Authenticate needs a baseVersion (a non-negative integer).')
      check(message.tokenType === 'None' || typeof message.value === 'string', 'Authenticate needs the token as value (a string).')
      break
    case 'Event':
      check(typeof message.eventType === 'string', 'Event needs an eventType (a string).')
      break
    default:
      throw new InvalidFrame(`Unknown message type ${JSON.stringify(message.type)}.`)
  }
  return message as unknown as ClientMessage
}
