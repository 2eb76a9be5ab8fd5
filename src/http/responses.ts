/** Answers that are files: a quote's PDF and a report's download, the same for the API and the pages. */
import type { Response } from 'express';
import type { PrintedQuote } from '../quotes/service';
import type { ReportDownload } from '../reports/service';
import { ClientGone } from '../reports/table';

/** Shown in the browser rather than downloaded; saved under the quote number and language. */
export function sendPdf(res: Response, printed: PrintedQuote): void {
  res
    .status(200)
    .type('application/pdf')
    .set('Content-Disposition', `inline; filename="${printed.filename}"`)
    // The PDF is the quote's state at this moment (a DRAFT mark, an expiry); never reuse it.
    .set('Cache-Control', 'no-store')
    // A browser shows a PDF in a viewer of its own, to which a policy written for HTML documents
    // can only do harm (some blank it); the PDF itself runs nothing (the renderer's sandbox).
    .removeHeader('Content-Security-Policy');
  res.send(printed.pdf);
}

/**
 * Streams a download. Once the first bytes are out, a failure can no longer become an error
 * response: the connection is cut, so the client sees a broken download, never a short one that
 * looks whole. A client that went away just stops the reading.
 */
export async function sendDownload(
  download: ReportDownload,
  res: Response,
  disposition: 'inline' | 'attachment',
): Promise<void> {
  res.status(200).type(download.contentType);
  res.set('Content-Disposition', `${disposition}; filename="${download.filename}"`);
  try {
    await download.write(res);
  } catch (error) {
    if (error instanceof ClientGone) return;
    if (!res.headersSent) throw error;
    res.destroy(error as Error);
  }
}

/**
 * A chart drawn on the server, shown as an image by a page: ECharts writes inline styles of its
 * own, which its policy allows; as an image it runs nothing.
 */
export function sendChart(res: Response, svg: string): void {
  res
    .type('image/svg+xml')
    .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
    .send(svg);
}
