#!/usr/bin/env node
// The `switchboard` command. Sources are TypeScript, run through tsx's loader
// (Node 20 cannot strip types itself).
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
