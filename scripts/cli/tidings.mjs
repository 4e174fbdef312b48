#!/usr/bin/env node
// `npx tidings …`: creates organisations and their API keys, lists and revokes keys, straight in
// the database (DATABASE_URL): the way in before any admin key exists. See `tidings --help`.
import { main } from "./main.mjs";

process.exitCode = await main(process.argv.slice(2));
