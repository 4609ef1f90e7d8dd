#!/usr/bin/env node
// Thin launcher so the bin exists before the first build; the command lives in dist/.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2));
