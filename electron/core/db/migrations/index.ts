/** Every migration, in order. Append only. */
import type { Migration } from '../migrate';
import { init } from './0010-init';

export const MIGRATIONS: readonly Migration[] = [init];
