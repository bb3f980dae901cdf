// Time, one concept of the backend. Every timed thing — the ping that keeps clients connected,
// crons, scheduled functions, simulated latency — is a timer of its Clock. A timer is armed on the
// timers current when it is armed; when a test swaps the global timers (vi.useFakeTimers() or
// vi.useRealTimers(), before or after the backend started), every pending timer of every clock
// moves to the new ones, due when it was. So the order in which a test fakes time never matters.

import { AsyncLocalStorage } from 'node:async_hooks'

type Handle = unknown
type SetTimer = (fn: () => void, ms: number) => Handle
type ClearTimer = (handle: Handle) => void

/** The part of @sinonjs/fake-timers' clock (Vitest's and Jest's fake timers) the clock drives. */
export interface FakeClock {
  now: number
  tickAsync: (ms: number) => Promise<number>
  clearTimeout: ClearTimer
}

/** What a timer runs for: the clock's own tools (`finishScheduled`) look for scheduled functions. */
export type TimerKind = 'scheduled' | 'cron' | 'ping' | 'latency' | 'token' | 'retention'

/** One pending timer of a {@link Clock}. */
export interface ClockTimer {
  kind: TimerKind
  /** When it fires, in the time (`Date.now()`) of the timers it is armed on. */
  due: number
  /**
   * The fake clock it is armed on, if the timers current when it was armed are fake ones (a
   * fake-timer library marks its `setTimeout` with its clock just after installing it: a timer
   * moved to it then learns it a microtask later).
   */
  fake: FakeClock | undefined
  readonly fire: () => void
  /** The `setTimeout` it is armed with. */
  set?: SetTimer
  handle?: Handle
  clear?: ClearTimer
}

/** The longest a timer may wait (setTimeout's limit); a longer wait fires early and re-arms. */
const MAX_WAIT = 2 ** 31 - 1

const g = globalThis as any
/** The timers as this module found them: real ones, unless a test had faked them already. */
const initial = { set: g.setTimeout as SetTimer, clear: g.clearTimeout as ClearTimer }
/** Every open clock, told when the global timers are swapped. */
const clocks = new Set<Clock>()
/** While convex-test schedules a function: the clock its timer goes to (see {@link routeTimers}). */
const routing = new AsyncLocalStorage<Clock>()

/** The fake clock behind a `setTimeout`, if it is a fake one. */
const fakeOf = (set: (SetTimer & { clock?: FakeClock }) | undefined) => typeof set?.clock?.tickAsync === 'function' ? set.clock : undefined

/** The timers current now, with the clock behind them if they are fake ones. */
function currentTimers(): { set: SetTimer, clear: ClearTimer, fake: FakeClock | undefined } {
  // The global's own value, not a clock's scheduleTimer.
  const set: SetTimer & { clock?: FakeClock } = routing.getStore() ? routing.exit(() => g.setTimeout) : g.setTimeout
  const fake = fakeOf(set)
  // A fake setTimeout is swapped before its clearTimeout: pair each with its own.
  // Called with the global as `this`: a browser's clearTimeout refuses any other.
  const clearGlobal = (set === initial.set ? initial.clear : g.clearTimeout) as ClearTimer
  const clear = fake ? (handle: Handle) => fake.clearTimeout(handle) : (handle: Handle) => clearGlobal.call(g, handle)
  return { set, clear, fake }
}

/** Whether this process's `globalThis.setTimeout` has the accessor of {@link followTimerSwaps}. */
let following = false

/**
 * Puts an accessor in front of `globalThis.setTimeout` (delegating to whatever was there) that
 * tells every clock when it is assigned — that is how fake-timer libraries install and uninstall
 * themselves. Once per process: convex-test then puts its own accessor in front of it (once), and
 * assignments reach this one through it.
 */
function followTimerSwaps() {
  const descriptor = Object.getOwnPropertyDescriptor(g, 'setTimeout')
  if (following || !descriptor || descriptor.configurable === false)
    return
  following = true
  let value = descriptor.value
  const get = () => routing.getStore()?.scheduleTimer ?? ('value' in descriptor ? value : descriptor.get!.call(g))
  Object.defineProperty(g, 'setTimeout', {
    configurable: true,
    enumerable: descriptor.enumerable,
    get,
    set(next: unknown) {
      // Fake-timer libraries swap setTimeout before Date: this is still the old timers' time.
      const before = Date.now()
      if ('value' in descriptor)
        value = next
      else
        descriptor.set?.call(g, next)
      for (const clock of clocks) clock.rearm(before)
    },
  })
}

/**
 * Runs `fn` (a convex-test syscall that schedules a function, directly or from an action) with
 * the timers it arms going to `clock` instead of the global ones: convex-test arms them with
 * `globalThis.setTimeout`, in the syscall's own async context.
 */
export function routeTimers<T>(clock: Clock, fn: () => T): T {
  return routing.run(clock, fn)
}

/** The timers of one backend. */
export class Clock {
  private readonly timers = new Set<ClockTimer>()
  /** The `setTimeout` convex-test gets while it schedules a function on this clock. */
  readonly scheduleTimer: SetTimer

  constructor(onScheduledFire: (fire: () => void) => void) {
    followTimerSwaps()
    clocks.add(this)
    this.scheduleTimer = (fn, ms) => this.setTimeout(() => onScheduledFire(fn), ms, 'scheduled')
  }

  /** The time of the timers current now (a fake clock's, under fake timers). */
  now(): number {
    const { fake } = currentTimers()
    return fake ? fake.now : Date.now()
  }

  /** Runs `fn` after `ms` (on the timers current now, and on whichever come after them). */
  setTimeout(fn: () => void, ms: number, kind: TimerKind): ClockTimer {
    const { fake } = currentTimers()
    const timer: ClockTimer = {
      kind,
      due: (fake ? fake.now : Date.now()) + Math.max(0, ms),
      fake,
      fire: () => {
        if (!this.timers.has(timer))
          return
        const now = timer.fake ? timer.fake.now : Date.now()
        if (timer.due > now) { // waited MAX_WAIT only
          this.arm(timer, timer.due - now)
          return
        }
        this.timers.delete(timer)
        fn()
      },
    }
    this.timers.add(timer)
    this.arm(timer, Math.max(0, ms))
    return timer
  }

  /** Fires `timer` now if it is still pending and due (by its own time), instead of on its timers. */
  fireDue(timer: ClockTimer): void {
    if (this.timers.has(timer) && timer.due <= (timer.fake ? timer.fake.now : Date.now())) {
      timer.clear?.(timer.handle)
      timer.fire()
    }
  }

  clearTimeout(timer: ClockTimer | undefined): void {
    if (timer && this.timers.delete(timer))
      timer.clear?.(timer.handle)
  }

  /** Resolves after `ms` on this clock. */
  sleep(ms: number): Promise<void> {
    return new Promise(resolve => this.setTimeout(resolve, ms, 'latency'))
  }

  /** The pending timer of `kind` due first. */
  next(kind: TimerKind): ClockTimer | undefined {
    let first: ClockTimer | undefined
    for (const timer of this.timers) {
      if (timer.kind === kind && (!first || timer.due < first.due))
        first = timer
    }
    return first
  }

  /** The global timers were swapped at `before` (the old timers' time): move every timer to the new ones. */
  rearm(before: number): void {
    for (const timer of this.timers) {
      const remaining = Math.max(0, timer.due - (timer.fake ? timer.fake.now : before))
      timer.clear?.(timer.handle)
      const fake = currentTimers().fake
      timer.due = (fake ? fake.now : before) + remaining
      this.arm(timer, remaining)
      // Real timers' time is only known once the swap is done (Date follows setTimeout).
      if (!timer.fake) {
        void Promise.resolve().then(() => {
          timer.fake = fakeOf(timer.set)
          if (!timer.fake)
            timer.due = Date.now() + remaining
        })
      }
    }
  }

  /** Stops every timer. */
  close(): void {
    for (const timer of this.timers) timer.clear?.(timer.handle)
    this.timers.clear()
    clocks.delete(this)
  }

  private arm(timer: ClockTimer, ms: number) {
    const { set, clear } = currentTimers()
    const handle = set.call(g, timer.fire, Math.min(ms, MAX_WAIT))
    ;(handle as { unref?: () => void })?.unref?.()
    timer.set = set
    timer.fake = fakeOf(set)
    timer.handle = handle
    timer.clear = clear
  }
}
