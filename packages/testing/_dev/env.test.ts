// @vitest-environment node
// The local deployment's variables: where they are kept, the names Convex accepts, and dotenv files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEnvironment, envFileFor, invalidName, readDotenv, readEnvFile, writeEnvFile } from './env'

let cwd: string | undefined
afterEach(() => {
  if (cwd)
    rmSync(cwd, { recursive: true, force: true })
})

describe('the local deployment\'s variables', () => {
  it('live beside the data, whatever --data names', () => {
    expect(envFileFor('/app', undefined)).toBe(resolve('/app/.vueuse-convex/env.json'))
    expect(envFileFor('/app', false)).toBe(resolve('/app/.vueuse-convex/env.json'))
    expect(envFileFor('/app', 'data/dev')).toBe(resolve('/app/data/dev/env.json'))
    expect(envFileFor('/app', '.vueuse-convex/data.json')).toBe(resolve('/app/.vueuse-convex/env.json'))
  })

  it('take Convex\'s names, not the built-in URLs', () => {
    expect(invalidName('RESEND_API_KEY')).toBeUndefined()
    expect(invalidName('CONVEX_SITE_URL')).toMatch(/built in/)
    expect(invalidName('_X')).toMatch(/not a variable name/)
    expect(invalidName('A-B')).toMatch(/not a variable name/)
    expect(invalidName('A'.repeat(41))).toMatch(/40 characters at most/)
  })

  it('are read from dotenv files (quotes, comments, export) and kept as JSON; a broken file is named', () => {
    cwd = mkdtempSync(join(tmpdir(), 'vueuse-convex-env-'))
    writeFileSync(join(cwd, '.env'), '# keys\nA=1\nB="two words"\nC=\'x=y\'\nMULTI="line1\\nline2"\n')
    expect(readDotenv(join(cwd, '.env'))).toEqual({ A: '1', B: 'two words', C: 'x=y', MULTI: 'line1\nline2' })
    const file = join(cwd, 'data', 'env.json')
    expect(readEnvFile(file)).toEqual({})
    writeEnvFile(file, { B: '2', A: '1' })
    expect(readEnvFile(file)).toEqual({ A: '1', B: '2' })
    writeFileSync(file, '{ "A": 1 }')
    expect(() => readEnvFile(file)).toThrow(/env\.json should be an object of strings/)
    writeFileSync(file, '{ "A": ')
    expect(() => readEnvFile(file)).toThrow(/env\.json is not valid JSON/)
  })

  it('a dotenv file applies over the kept ones, and is read again on reload', () => {
    cwd = mkdtempSync(join(tmpdir(), 'vueuse-convex-env-'))
    writeEnvFile(join(cwd, '.vueuse-convex/env.json'), { A: 'kept', B: 'kept' })
    writeFileSync(join(cwd, '.env.convex'), 'B=file\n')
    const environment = createEnvironment({ cwd, dotenv: '.env.convex' })
    expect(environment.variables).toEqual({ A: 'kept', B: 'file' })
    expect(environment.files).toEqual([join(cwd, '.vueuse-convex/env.json'), join(cwd, '.env.convex')])
    writeFileSync(join(cwd, '.env.convex'), 'C=new\n')
    expect(environment.reload()).toEqual({ A: 'kept', B: 'kept', C: 'new' })
  })
})
