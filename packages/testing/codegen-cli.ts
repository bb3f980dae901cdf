#!/usr/bin/env node
import process from 'node:process'
import { main } from './codegen'

process.exitCode = main(process.argv.slice(2))
