// What `npx convex dev` generates, written by hand: typed references to the backend's functions.
import type { PaginationOptions, PaginationResult } from 'convex/server'
import { makeFunctionReference } from 'convex/server'

export interface Message { _id: string, _creationTime: number, body: string }

export const api = {
  ai: {
    generate: makeFunctionReference<'action', { prompt: string }, { text: string, tokens: number }>('ai:generate'),
  },
  messages: {
    list: makeFunctionReference<'query', { limit?: number }, Message[]>('messages:list'),
    page: makeFunctionReference<'query', { paginationOpts: PaginationOptions }, PaginationResult<Message>>('messages:page'),
    send: makeFunctionReference<'mutation', { body: string }, string>('messages:send'),
  },
}
