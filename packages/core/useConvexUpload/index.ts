import type { FunctionArgs, FunctionReference } from 'convex/server'
import type { GenericId } from 'convex/values'
import type { ComputedRef, MaybeRefOrGetter } from 'vue'
import type { CallState, CallStatus } from '../_internal/useFunctionCall'
import type { ConvexClientLike } from '../useConvexClient'
import { tryOnScopeDispose } from '@vueuse/core'
import { computed, shallowRef } from 'vue'
import { functionName, normalizeArgs, resolveClient, usageError } from '../_internal'
import { useFunctionCall } from '../_internal/useFunctionCall'

/** A mutation that returns an upload URL: `ctx.storage.generateUploadUrl()`. */
export type GenerateUploadUrlReference = FunctionReference<'mutation', 'public', Record<string, never>, string>

/** A mutation that saves a stored file: it takes `storageId` (and any other arguments). */
export type SaveUploadReference = FunctionReference<'mutation', 'public', { storageId: GenericId<'_storage'> }>

/** Where a {@link useConvexUpload} call stands. */
export type UploadStatus = CallStatus

/** Options of {@link useConvexUpload}. */
export interface UseConvexUploadOptions<Save extends SaveUploadReference | undefined = undefined> {
  /**
   * The client to call the mutations with, instead of the provided one.
   * @default the client provided by `createConvexVue` or `provideConvexClient`
   */
  client?: ConvexClientLike
  /**
   * A mutation called with `{ storageId, ...args }` once the file is stored — the usual "save
   * the file to a document" step; `upload(file, args)` passes the other arguments. The upload
   * resolves after it.
   * @default undefined (only store the file)
   */
  save?: Save
  /**
   * Called with the `storageId` and the file of every upload that succeeds, unless `reset()`
   * ran or the scope was disposed meanwhile. An error it throws goes to Vue's error handling.
   * @default undefined
   */
  onSuccess?: (storageId: GenericId<'_storage'>, file: Blob) => void
  /**
   * Called with the error and the file of every upload that fails or is aborted, unless
   * `reset()` ran or the scope was disposed meanwhile.
   * @default undefined
   */
  onError?: (error: Error, file: Blob) => void
}

/** The arguments `upload` takes after the file: the save mutation's, without `storageId`. */
export type UploadArgs<Save extends SaveUploadReference | undefined> = Save extends SaveUploadReference
  // eslint-disable-next-line ts/no-empty-object-type
  ? {} extends Omit<FunctionArgs<Save>, 'storageId'>
      ? [args?: Omit<FunctionArgs<Save>, 'storageId'>]
      : [args: Omit<FunctionArgs<Save>, 'storageId'>]
  : []

/** What {@link useConvexUpload} returns. */
export interface UseConvexUploadReturn<Save extends SaveUploadReference | undefined = undefined> {
  /**
   * Stores `file` (a `File` or `Blob`) in Convex file storage and resolves with its
   * `storageId`, after the `save` mutation if there is one. Rejects with the error (an
   * `AbortError` after `abort()`) and sets `error`. A new upload makes the previous one's
   * state stale: only the latest writes `status`, `progress` and `data`.
   */
  upload: (file: Blob, ...args: UploadArgs<Save>) => Promise<GenericId<'_storage'>>
  /** `upload` for templates: returns nothing and never rejects; the outcome is in the refs. */
  run: (file: Blob, ...args: UploadArgs<Save>) => void
  /** The latest upload as one value whose `status` narrows `data` and `error`. */
  state: ComputedRef<CallState<GenericId<'_storage'>>>
  /** The `storageId` of the latest successful upload. */
  data: ComputedRef<GenericId<'_storage'> | undefined>
  /** `'idle'`, `'pending'`, `'success'` or `'error'`, for the latest upload. */
  status: ComputedRef<UploadStatus>
  /** `true` exactly while `status` is `'pending'`. */
  pending: ComputedRef<boolean>
  /** The latest upload's error; `null` before one fails, on a new upload and after `reset()`. */
  error: ComputedRef<Error | null>
  /** How much of the latest upload's bytes have been sent, from 0 to 1 (1 once it succeeded). */
  progress: ComputedRef<number>
  /** Stops the latest upload while its bytes are being sent: it rejects with an `AbortError`. */
  abort: () => void
  /** Back to `'idle'` with progress 0; an upload still in flight will not write state. */
  reset: () => void
}

/** One upload's handle: the latest one's progress is shown and `abort()` reaches it. */
interface Upload {
  progress: number
  aborted: boolean
  cancel?: () => void
}

/** What `prepare` hands to the upload: the file and the save mutation's other arguments. */
interface UploadInput { file: Blob, args: Record<string, unknown> }

const abortError = () => new DOMException('The upload was aborted.', 'AbortError')

/** POSTs `file` to an upload URL; resolves with the `storageId` the deployment answers. */
function send(url: string, file: Blob, upload: Upload, onProgress: () => void): Promise<GenericId<'_storage'>> {
  const failed = (status: number, body: string) => usageError(8, 'useConvexUpload', process.env.NODE_ENV !== 'production' && `the upload failed with HTTP ${status}: ${body.slice(0, 200)}`)
  /** The `storageId` of the deployment's answer (`{ "storageId": "…" }`); a clear error for any other. */
  const stored = (status: number, body: string): GenericId<'_storage'> => {
    let storageId: unknown
    try {
      storageId = (JSON.parse(body) as { storageId?: unknown } | null)?.storageId
    }
    catch {}
    if (typeof storageId !== 'string')
      throw usageError(8, 'useConvexUpload', process.env.NODE_ENV !== 'production' && `the upload URL answered HTTP ${status} without a storage id (Convex answers {"storageId": "…"}): ${body.slice(0, 200)}. Use the URL ctx.storage.generateUploadUrl() returns.`)
    return storageId as GenericId<'_storage'>
  }
  if (typeof XMLHttpRequest === 'function') {
    // Only XMLHttpRequest reports the progress of a request's body.
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest()
      upload.cancel = () => xhr.abort()
      xhr.open('POST', url)
      if (file.type)
        xhr.setRequestHeader('Content-Type', file.type)
      xhr.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable && e.total > 0) {
          upload.progress = e.loaded / e.total
          onProgress()
        }
      })
      xhr.addEventListener('load', () => {
        // Settles whatever the answer: a listener that throws would leave the upload pending.
        try {
          if (xhr.status >= 200 && xhr.status < 300)
            resolve(stored(xhr.status, xhr.responseText))
          else
            reject(failed(xhr.status, xhr.responseText))
        }
        catch (e) {
          reject(e)
        }
      })
      xhr.addEventListener('error', () => reject(usageError(8, 'useConvexUpload', process.env.NODE_ENV !== 'production' && `the upload could not reach ${new URL(url).origin} (network error).`)))
      xhr.addEventListener('abort', () => reject(abortError()))
      xhr.send(file)
    })
  }
  // No XMLHttpRequest (Node): fetch, whose progress is only "done".
  const controller = new AbortController()
  upload.cancel = () => controller.abort()
  return fetch(url, { method: 'POST', body: file, headers: file.type ? { 'Content-Type': file.type } : {}, signal: controller.signal }).then(
    async (response) => {
      const body = await response.text()
      if (!response.ok)
        throw failed(response.status, body)
      return stored(response.status, body)
    },
    (e) => {
      throw upload.aborted ? abortError() : e
    },
  )
}

/**
 * Uploads files to Convex file storage with progress: gets an upload URL from your
 * `generateUploadUrl` mutation, sends the file, and resolves with its `storageId` — after
 * calling your `save` mutation with it, if you give one. Same state as `useConvexAction`
 * (`status`, `pending`, `error`, `data`, `reset`), plus `progress` and `abort()`.
 *
 * @param generateUploadUrl A mutation returning `ctx.storage.generateUploadUrl()`, such as `api.files.generateUploadUrl`.
 * @param options See {@link UseConvexUploadOptions}.
 * @example
 * const { upload, progress } = useConvexUpload(api.files.generateUploadUrl, { save: api.files.save })
 * await upload(file, { name: file.name })
 */
export function useConvexUpload<Save extends SaveUploadReference | undefined = undefined>(
  generateUploadUrl: MaybeRefOrGetter<GenerateUploadUrlReference>,
  options: UseConvexUploadOptions<Save> = {},
): UseConvexUploadReturn<Save> {
  const NAME = 'useConvexUpload'
  const { save, onSuccess, onError } = options
  const client = resolveClient(NAME, options.client)
  if (typeof client.mutation !== 'function')
    throw usageError(3, NAME, process.env.NODE_ENV !== 'production' && 'the client has no mutation() method. Pass a ConvexClient or ConvexHttpClient.')
  /** The save mutation's name, checked once: its arguments are checked under it on each upload. */
  const saveName = save === undefined ? undefined : functionName(NAME, save, 'api.files.save')

  /** The latest upload; only it writes `progress`. */
  const latest = shallowRef<Upload | null>(null)
  const progress = shallowRef(0)

  const prepare = (name: string, input: unknown): UploadInput => {
    const { file, args } = input as Partial<UploadInput>
    if (!(file instanceof Blob))
      throw usageError(7, NAME, process.env.NODE_ENV !== 'production' && `upload() takes a File or Blob (e.g. input.files[0]), got ${file === null ? 'null' : typeof file}.`)
    return { file, args: normalizeArgs(NAME, saveName ?? name, args ?? {}) as Record<string, unknown> }
  }

  const call = useFunctionCall<any>(NAME, 'api.files.generateUploadUrl', generateUploadUrl, {
    client,
    onSuccess: onSuccess && ((id: GenericId<'_storage'>, input: UploadInput) => onSuccess(id, input.file)),
    onError: onError && ((error: Error, input: UploadInput) => onError(error, input.file)),
  }, client, async (reference, { file, args }: UploadInput) => {
    const upload: Upload = { progress: 0, aborted: false }
    latest.value = upload
    progress.value = 0
    const shown = () => {
      if (latest.value === upload)
        progress.value = upload.progress
    }
    const url = await client.mutation!(reference, {}) as string
    if (upload.aborted)
      throw abortError()
    const storageId = await send(url, file, upload, shown)
    // Stored: what is left (the save mutation) cannot be aborted.
    upload.cancel = undefined
    if (save)
      await client.mutation!(save, { ...args, storageId })
    upload.progress = 1
    shown()
    return storageId
  }, prepare)

  function abort() {
    const upload = latest.value
    if (upload && !upload.aborted) {
      upload.aborted = true
      upload.cancel?.()
    }
  }

  function reset() {
    call.reset()
    latest.value = null
    progress.value = 0
  }
  tryOnScopeDispose(() => {
    latest.value = null
  })

  return {
    upload: ((file: Blob, args?: Record<string, unknown>) => call.execute({ file, args })) as UseConvexUploadReturn<Save>['upload'],
    run: ((file: Blob, args?: Record<string, unknown>) => call.run({ file, args })) as UseConvexUploadReturn<Save>['run'],
    state: call.state,
    data: call.data,
    status: call.status,
    pending: call.pending,
    error: call.error,
    progress: computed(() => progress.value),
    abort,
    reset,
  }
}
