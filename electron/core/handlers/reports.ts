/** Reports: figures over a period from the local store. */
import { createReportService } from '../reports/service';
import type { DomainHandlers } from './context';
import type { CoreServices } from './services';

export function reportHandlers(s: CoreServices): DomainHandlers<'reports.get'> {
  const reports = createReportService(s.db, s.now);
  return {
    'reports.get': (query) => reports.report(query),
  };
}
