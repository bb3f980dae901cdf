// The local deployment's signing key, kept with its data: made on first start, read on every
// later one, so tokens signed before a restart (Convex Auth 2's sessions) still verify.
import type { JWK } from 'jose'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateSigningKey } from '../_internal/signing'

/** The file in the data folder that holds the key (a private JWK, readable by its owner only). */
export const SIGNING_KEY_FILE = 'signing-key.json'

/**
 * The signing key kept in `dataDir` (made there, mode 0600, when it has none); `undefined`: no
 * data folder (`--no-data`), a new key for this run. A key file that cannot be read is left as it
 * is and reported, naming the file.
 */
export async function loadSigningKey(dataDir: string | undefined): Promise<JWK> {
  if (!dataDir)
    return generateSigningKey()
  const file = join(dataDir, SIGNING_KEY_FILE)
  let text: string | undefined
  try {
    text = readFileSync(file, 'utf8')
  }
  catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`Could not read the signing key ${file}: ${(e as Error).message}`)
  }
  if (text === undefined) {
    const key = await generateSigningKey()
    mkdirSync(dataDir, { recursive: true })
    try {
      // `wx`: another instance that made it first wins, and this one reads its key.
      writeFileSync(file, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
      return key
    }
    catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new Error(`Could not write the signing key ${file}: ${(e as Error).message}`)
      text = readFileSync(file, 'utf8')
    }
  }
  try {
    const key = JSON.parse(text) as JWK
    if (key?.kty !== 'EC' || key.crv !== 'P-256' || typeof key.d !== 'string')
      throw new Error('it is not a private ES256 key')
    return key
  }
  catch (e) {
    throw new Error(`The signing key ${file} is unreadable (${(e as Error).message}). Tokens it signed cannot be checked without it: restore it, or delete it to have a new one made (every signed-in user then signs in again).`)
  }
}
