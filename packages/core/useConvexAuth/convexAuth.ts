// Convex Auth (@convex-dev/auth) for Vue: what its React client (`ConvexAuthProvider`,
// `useAuthActions`) does — sign in and out through the app's `auth:signIn` / `auth:signOut`
// actions, the JWT and refresh token kept in storage, refreshed through the refresh token,
// followed across tabs, the OAuth `?code=` signed in on return — as a provider of useConvexAuth.
import type { Value } from 'convex/values'
import type { ShallowRef } from 'vue'
import type { ConvexAuthProvider, ConvexClientLike } from '../_internal/types'
import { makeFunctionReference } from 'convex/server'
import { shallowRef } from 'vue'
import { isBrowser, resolveClient, usageError } from '../_internal'
import { applyAuthProvider, createConvexContext, injectContext } from '../_internal/context'
import { deploymentUrl } from '../_internal/once'

/** Where the tokens are kept: `localStorage`'s shape (its methods may also return promises). */
export interface TokenStorage {
  getItem: (key: string) => string | null | undefined | Promise<string | null | undefined>
  setItem: (key: string, value: string) => void | Promise<void>
  removeItem: (key: string) => void | Promise<void>
}

/** Options of {@link useConvexAuthActions}; they apply on its first call for a client. */
export interface UseConvexAuthActionsOptions {
  /**
   * Where the JWT and the refresh token are kept between visits. `null` keeps them in memory
   * (signed out on reload).
   * @default localStorage in a browser
   */
  storage?: TokenStorage | null
  /**
   * Tells apart the tokens of several deployments in one storage (the keys are Convex Auth's
   * own, so a React app's session carries over).
   * @default the deployment URL
   */
  storageNamespace?: string
  /**
   * A cookie the JWT is also written to, so a server render sees the user: in Nuxt, the
   * module's `convex.auth.cookie`. Not `httpOnly` (the browser writes it).
   * @default undefined (no cookie)
   */
  cookie?: string
  /**
   * Whether an OAuth `?code=` in the URL is signed in with when the app starts.
   * @default true
   */
  shouldHandleCode?: boolean | (() => boolean)
  /**
   * Replaces the URL once its `?code=` was read (e.g. with your router's `replace`).
   * @default history.replaceState
   */
  replaceURL?: (relativeUrl: string) => void | Promise<void>
  /**
   * Sends the browser to an OAuth provider's sign-in page (`signIn('github')`).
   * @default url => { location.href = url.href }
   */
  navigate?: (url: URL) => void | Promise<void>
  /**
   * The client to sign in, instead of the provided one.
   * @default the client provided by `createConvexVue` or `provideConvexClient`
   */
  client?: ConvexClientLike
}

/** What {@link useConvexAuthActions} returns. */
export interface UseConvexAuthActionsReturn {
  /**
   * Signs in with one of `convex/auth.ts`'s providers: `signIn('password', { email, password,
   * flow: 'signUp' })` (or a `FormData`), `signIn('github')` for OAuth (the browser goes to the
   * provider and back; `redirect` is where), `signIn('resend', { email })` for a magic link.
   * Rejects with the server's error (a wrong password, say).
   */
  signIn: (provider?: string, params?: FormData | Record<string, Value>) => Promise<{ signingIn: boolean, redirect?: URL }>
  /** Signs out: the server ends the session, the tokens are dropped here and in other tabs. */
  signOut: () => Promise<void>
  /** The user's current Convex Auth JWT, `null` when signed out. */
  token: Readonly<ShallowRef<string | null>>
}

const JWT = '__convexAuthJWT'
const REFRESH_TOKEN = '__convexAuthRefreshToken'
const VERIFIER = '__convexAuthOAuthVerifier'

type Tokens = { token: string, refreshToken: string } | null

/** One client's Convex Auth session. */
const sessions = new WeakMap<ConvexClientLike, UseConvexAuthActionsReturn>()

const queues = new Map<string, Promise<void>>()

/** Runs `task` alone among this page's (and, with Web Locks, every tab's) refreshes. */
function exclusive<T>(key: string, task: () => Promise<T>): Promise<T> {
  const locks = isBrowser ? (navigator as { locks?: { request: (name: string, task: () => Promise<T>) => Promise<T> } }).locks : undefined
  if (locks)
    return locks.request(key, task)
  const previous = queues.get(key) ?? Promise.resolve()
  const run = previous.then(task, task)
  queues.set(key, run.then(() => {}, () => {}))
  return run
}

/** A JWT's `sub` claim, `null` for none. */
function subjectOf(jwt: string | null): string | null {
  try {
    const payload = jwt?.split('.')[1]
    return payload ? (JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: string }).sub ?? null : null
  }
  catch {
    return null
  }
}

/** In-memory storage (no persistence). */
function memoryStorage(): TokenStorage {
  const items = new Map<string, string>()
  return { getItem: key => items.get(key), setItem: (key, value) => void items.set(key, value), removeItem: key => void items.delete(key) }
}

/** Whether `error` is a network failure (worth a retry), not an answer. */
function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError && /fetch|network|load failed/i.test(error.message)
}

/**
 * Signs users in with Convex Auth (`@convex-dev/auth`), as its React client does: call it once
 * in the root component, and it signs the plugin's client in with the stored session (if any)
 * and follows it; `useConvexAuth()` and the gates then show the state. Any component may call
 * it again for `signIn` / `signOut` / `token` (the same session). No package besides `convex`
 * is needed in the browser.
 *
 * @example
 * const { signIn, signOut } = useConvexAuthActions()
 * await signIn('password', { email, password, flow: 'signIn' })
 */
export function useConvexAuthActions(options: UseConvexAuthActionsOptions = {}): UseConvexAuthActionsReturn {
  const NAME = 'useConvexAuthActions'
  const client = resolveClient(NAME, options.client)
  const existing = sessions.get(client)
  if (existing)
    return existing
  if (typeof client.action !== 'function')
    throw usageError(3, NAME, process.env.NODE_ENV !== 'production' && 'the client has no action(). Pass a ConvexClient.')
  const context = (!options.client && injectContext()) || createConvexContext()
  const url = deploymentUrl(client)
  const namespace = (options.storageNamespace ?? url ?? '').replace(/[^a-z0-9]/gi, '')
  const key = (name: string) => `${name}_${namespace}`
  const browserStorage = isBrowser ? (globalThis as { localStorage?: TokenStorage }).localStorage : undefined
  const storage = options.storage === null ? memoryStorage() : options.storage ?? browserStorage ?? memoryStorage()

  const token = shallowRef<string | null>(null)
  const isLoading = shallowRef(true)
  const signInRef = makeFunctionReference<'action'>('auth:signIn')
  const signOutRef = makeFunctionReference<'action'>('auth:signOut')

  /** Counts sign-ins and sign-outs: a refresh that started before one is dropped. */
  let generation = 0
  let signingOut = false
  const provider: ConvexAuthProvider = {
    isLoading,
    isAuthenticated: () => token.value !== null,
    // Convex Auth's subject is "user|session": another session signs in at once.
    key: () => subjectOf(token.value),
    async fetchAccessToken({ forceRefreshToken }) {
      // While signing out, the current token ends the session on the server; no new one.
      if (!forceRefreshToken || signingOut)
        return token.value
      const before = token.value
      return exclusive(key(REFRESH_TOKEN), async () => {
        // Another tab refreshed meanwhile: its token is ours too.
        if (token.value !== before)
          return token.value
        const refreshToken = (await storage.getItem(key(REFRESH_TOKEN))) ?? null
        if (refreshToken === null)
          return null
        const started = generation
        try {
          const { tokens } = await callUnauthenticated({ refreshToken })
          // Signed out (or in as someone else) meanwhile: that wins over this refresh.
          if (generation !== started || signingOut)
            return token.value
          await setTokens(tokens ?? null, true)
        }
        catch {
          return null // the session ended (signed out elsewhere, expired): signed out here too
        }
        return token.value
      })
    },
  }

  function writeCookie(value: string | null) {
    if (!options.cookie || !isBrowser)
      return
    const secure = location.protocol === 'https:' ? '; Secure' : ''
    document.cookie = value === null
      ? `${options.cookie}=; Path=/; Max-Age=0; SameSite=Lax${secure}`
      : `${options.cookie}=${value}; Path=/; Max-Age=${60 * 60 * 24 * 30}; SameSite=Lax${secure}`
  }

  /** Sets the session's tokens: stored (`store`) or only taken over (from storage, another tab). */
  async function setTokens(tokens: Tokens | { token: string }, store: boolean) {
    if (store) {
      if (tokens === null) {
        await storage.removeItem(key(JWT))
        await storage.removeItem(key(REFRESH_TOKEN))
      }
      else {
        await storage.setItem(key(JWT), tokens.token)
        if ('refreshToken' in tokens)
          await storage.setItem(key(REFRESH_TOKEN), tokens.refreshToken)
      }
    }
    token.value = tokens?.token ?? null
    isLoading.value = false
    writeCookie(token.value)
  }

  /** `auth:signIn` without the user's token, over HTTP: the socket waits while a token is fetched. */
  async function callUnauthenticated(args: Record<string, unknown>): Promise<{ tokens?: Tokens }> {
    let attempt = 0
    while (true) {
      try {
        if (!url)
          return await client.action!(signInRef, args)
        const { ConvexHttpClient } = await import('convex/browser')
        return await new ConvexHttpClient(url, { skipConvexDeploymentUrlCheck: true, logger: false }).action(signInRef, args)
      }
      catch (e) {
        // A phone waking up, a flaky network: try again twice, then give up.
        if (!isNetworkError(e) || attempt >= 2)
          throw e
        await new Promise(resolve => setTimeout(resolve, 500 * 4 ** attempt++ + Math.random() * 100))
      }
    }
  }

  async function signIn(providerId?: string, params?: FormData | Record<string, Value>) {
    const values = params instanceof FormData
      ? Object.fromEntries([...params.entries()].map(([name, value]) => [name, String(value)]))
      : params ?? {}
    generation++
    const verifier = (await storage.getItem(key(VERIFIER))) ?? undefined
    await storage.removeItem(key(VERIFIER))
    const result = await client.action!(signInRef, { provider: providerId, params: values, verifier }) as { redirect?: string, verifier?: string, tokens?: Tokens }
    if (result.redirect !== undefined) {
      const redirect = new URL(result.redirect)
      await storage.setItem(key(VERIFIER), result.verifier!)
      if (options.navigate)
        await options.navigate(redirect)
      else if (isBrowser)
        window.location.href = redirect.href
      return { signingIn: false, redirect }
    }
    if (result.tokens !== undefined) {
      generation++
      await setTokens(result.tokens, true)
      return { signingIn: result.tokens !== null }
    }
    return { signingIn: false }
  }

  async function signOut() {
    generation++
    signingOut = true
    try {
      await client.action!(signOutRef, {})
    }
    catch {
      // Already signed out on the server (an ended session): signed out here all the same.
    }
    try {
      await setTokens(null, true)
    }
    finally {
      signingOut = false
    }
  }

  const actions: UseConvexAuthActionsReturn = { signIn, signOut, token }
  sessions.set(client, actions)
  // The server render signs in from the module's cookie; the session lives in the browser.
  if (!isBrowser && !options.client)
    return actions

  applyAuthProvider(client, context, provider)
  // Another tab signed in, refreshed or signed out.
  if (isBrowser && storage === browserStorage) {
    window.addEventListener('storage', (event) => {
      if (event.storageArea === browserStorage && event.key === key(JWT))
        void setTokens(event.newValue === null ? null : { token: event.newValue }, false)
    })
  }
  const code = isBrowser ? new URLSearchParams(location.search).get('code') : null
  const handleCode = typeof options.shouldHandleCode === 'function' ? options.shouldHandleCode() : options.shouldHandleCode ?? true
  if (code && handleCode) {
    // Back from an OAuth provider (or a magic link): the code signs in, once.
    const url = new URL(location.href)
    url.searchParams.delete('code')
    const replace = options.replaceURL ?? ((relative: string) => history.replaceState(history.state, '', relative))
    void Promise.resolve(replace(url.pathname + url.search + url.hash))
      .then(() => signIn(undefined, { code }))
      .catch(() => setTokens(null, false))
  }
  else {
    // localStorage answers at once: the first render already knows whether there is a session.
    const stored = storage.getItem(key(JWT))
    const take = (value: string | null | undefined) => setTokens(value ? { token: value } : null, false)
    if (stored instanceof Promise)
      void stored.then(take, () => take(null))
    else
      void take(stored)
  }
  return actions
}
