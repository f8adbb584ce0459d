#!/usr/bin/env node
// @ts-nocheck
import { main } from '../dist/cli/main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
