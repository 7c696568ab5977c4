/**
 * Collects Content-Security-Policy violation reports (`report-uri`). Browsers send them from every
 * context a policy governs, workers and the service worker included, which console messages and
 * page events do not reach.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The fields of a report that say what was refused, where. */
export interface CspViolation {
  readonly documentUri: string;
  readonly directive: string;
  readonly blockedUri: string;
}

export interface CspReportCollector {
  /** The address to name in `report-uri`. */
  readonly url: string;
  readonly violations: CspViolation[];
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 on a free port; every POSTed `application/csp-report` body is kept. */
export async function startCspReportCollector(): Promise<CspReportCollector> {
  const violations: CspViolation[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const report = (JSON.parse(body || '{}') as { 'csp-report'?: Record<string, string> })['csp-report'];
      if (report) violations.push({ documentUri: report['document-uri'] ?? '', directive: report['effective-directive'] ?? report['violated-directive'] ?? '', blockedUri: report['blocked-uri'] ?? '' });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/csp-report`, violations, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
