#!/usr/bin/env node
// The `zhclean` executable: everything is in cli.ts, which tests call directly.
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
