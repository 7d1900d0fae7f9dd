/**
 * zod compiles fast validators with `new Function` when it can, and probes for that on first use.
 * The renderer's CSP forbids eval, so the probe would be reported as a CSP violation: tell zod not
 * to try. Imported first by main.ts, before any schema runs.
 */
import { z } from 'zod';

z.config({ jitless: true });
