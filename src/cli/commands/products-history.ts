// products history <id>
import type { HistoryEntry } from '../../../runtime/catalog/repository.js';
import { productHistory } from '../../core/catalog.js';
import type { PRODUCTS_HISTORY } from '../options.js';
import type { Handler } from '../spec.js';
import { table } from '../table.js';

/** `price=12`, `name="Blue mug"`, `expires_at removed`, or the bare name of a field recorded without its value. */
function changes(e: HistoryEntry): string {
  if (e.action === 'delete') return '';
  return e.fields
    .map((f) => {
      if (!(f in e.values)) return f;
      const v = e.values[f];
      if (v === null) return `${f} removed`;
      return `${f}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`;
    })
    .join(', ');
}

export const history: Handler<'catalog', typeof PRODUCTS_HISTORY> = async ({ catalog, io, opts, args }) => {
  const h = await productHistory(catalog, args[0] ?? '', opts.limit);
  const rows = h.entries.map((e) => [e.at, e.by, e.action, String(e.version), changes(e)]);
  io.result(
    { productId: h.productId, exists: h.exists, entries: h.entries, count: h.entries.length },
    h.entries.length > 0 ? table([['WHEN', 'WHO', 'ACTION', 'VERSION', 'CHANGES'], ...rows]) : undefined,
  );
  const retention = catalog.config.audit.retentionDays;
  if (h.entries.length === 0)
    io.info(
      `No recorded changes for product ${h.productId} in the last ${retention} day(s) (audit.retentionDays): it was last written before then, or before the audit trail, or only by an import.`,
    );
  else if (!h.exists)
    io.info(`Product ${h.productId} no longer exists; its last changes are kept ${retention} day(s).`);
  return 0;
};
