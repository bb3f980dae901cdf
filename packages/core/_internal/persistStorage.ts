// The persisted cache's default storage: one IndexedDB object store, behind the small async
// interface any other storage can implement (see PersistStorage).
import type { PersistStorage } from './persist'

/** Settles with what `request` gives once its transaction completes, rejects when it fails. */
function completed<T>(transaction: IDBTransaction, request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve(request.result)
    transaction.onerror = transaction.onabort = () => reject(transaction.error ?? request.error)
  })
}

/**
 * An IndexedDB database (`name`, one object store) as a {@link PersistStorage}. Opened on first
 * use; a quota error surfaces as the transaction's `QuotaExceededError`.
 */
export function indexedDbStorage(name = 'vueuse-convex'): PersistStorage {
  const STORE = 'queries'
  let db: Promise<IDBDatabase> | undefined
  const open = () => db ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(name, 1)
    request.onupgradeneeded = () => request.result.createObjectStore(STORE)
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
  const on = async <T>(mode: IDBTransactionMode, operation: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const transaction = (await open()).transaction(STORE, mode)
    return completed(transaction, operation(transaction.objectStore(STORE)))
  }
  return {
    get: key => on('readonly', store => store.get(key)),
    set: async (key, value) => {
      await on('readwrite', store => store.put(value, key))
    },
    delete: async (key) => {
      await on('readwrite', store => store.delete(key))
    },
    keys: async () => (await on('readonly', store => store.getAllKeys())).map(String),
  }
}
