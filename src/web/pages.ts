/**
 * The page table: every page of the web workspace, once, in menu order. The workspace mounts it
 * (workspace.ts) and builds each user's menu from it. To add a page: write its handler with
 * definePage in its area's file under pages/ (the operation of the role table it needs, and a
 * `nav` label if it belongs in the menu), its template in templates/web/, its words under `web.`
 * in both locale files, and list it here.
 */
import type { Page } from './page';
import { financePages } from './pages/finance';
import { quotePages } from './pages/quotes';
import { ruleSetPages } from './pages/rulesets';
import { sessionPages } from './pages/session';

export const WEB_PAGES: readonly Page[] = [
  ...sessionPages(() => WEB_PAGES),
  ...quotePages,
  ...financePages,
  ...ruleSetPages,
];
