/**
 * A page of the web workspace: its method and path, the operation of the role table
 * (src/quotes/policy.ts) it needs, its place in the menu, and a thin handler that calls the same
 * service methods the API calls and renders a template. The page table (pages.ts) is a list of
 * these; the workspace mounts it, checks every page's operation before its handler runs, and
 * builds each user's menu from it, so a page a role may not open is neither shown nor served.
 */
import type { Request, Response } from 'express';
import { authorize, mayDo, type Operation } from '../quotes/policy';
import type { ImpactService } from '../impact/service';
import type { QuoteService } from '../quotes/service';
import type { DraftInput, RuleSetService } from '../rulesets/service';
import type { ReportService } from '../reports/service';
import type { RuleSet } from '../rules/compile';
import type { ProposalLanguage } from '../proposals/input';
import type { Locale } from '../proposals/locale';
import type { User, WebSession } from '../store/types';
import type { Sessions } from './sessions';
import type { Frame, Views } from './views';

/**
 * What a page needs: an operation of the role table; `signed-in` for any signed-in user (the
 * home page, sign-out); `public` for the sign-in page and the language switch.
 */
export type PageAccess = Operation | 'signed-in' | 'public';

/** What every page may use besides its request: built once per workspace. */
export interface PageContext {
  service: QuoteService;
  reports: ReportService;
  ruleSets: RuleSetService;
  impact: ImpactService;
  /** The rule cases a draft must pass (RULES_DIR's cases/), read afresh each time. */
  ruleCases(): Pick<DraftInput, 'cases' | 'broken'>;
  /** The rule set new quotes are priced with: the new-quote form is generated from it. */
  ruleSet: RuleSet;
  views: Views;
  sessions: Sessions;
}

export interface PageRequest<A extends PageAccess = PageAccess> extends PageContext {
  req: Request;
  res: Response;
  /** The signed-in user; a public page has none. */
  actor: A extends 'public' ? User | undefined : User;
  session: A extends 'public' ? WebSession | undefined : WebSession;
  lang: ProposalLanguage;
  locale: Locale;
  /** Sends the template inside the layout, titled by the locale key `titleKey`. */
  render(template: string, view: object, titleKey: string): void;
  /** Sends the template alone (for htmx to swap in). */
  fragment(template: string, view: object): void;
}

export interface PageDefinition<A extends PageAccess> {
  method: 'get' | 'post';
  /** An express path: `/quotes/:number`. */
  path: string;
  access: A;
  /** Shown in the menu (to the roles `access` allows) under the locale key `labelKey`. */
  nav?: { labelKey: string };
  handler(request: PageRequest<A>): Promise<void> | void;
}

/** A page of the table, its access type widened. */
export interface Page {
  method: 'get' | 'post';
  path: string;
  access: PageAccess;
  nav?: { labelKey: string };
  handler(request: PageRequest): Promise<void> | void;
}

export function definePage<const A extends PageAccess>(definition: PageDefinition<A>): Page {
  return definition as unknown as Page;
}

/** Whether the user may open a page: the role table's answer for its operation. */
export function mayOpen(user: User | undefined, access: PageAccess): boolean {
  if (access === 'public') return true;
  if (!user) return false;
  return access === 'signed-in' || mayDo(user.role, access);
}

/** Throws as the API would (unauthenticated, or forbidden naming the roles) unless the user may open it. */
export function checkAccess(user: User | undefined, access: PageAccess): void {
  if (access === 'public') return;
  if (!user) throw new PageSignInNeeded();
  if (access !== 'signed-in') authorize(user, access);
}

/** No session: the page sends the browser to sign in. */
export class PageSignInNeeded extends Error {
  constructor() {
    super('sign in first');
  }
}

/** The menu a user sees on every page: the table's pages with a label that the user may open. */
export function menuOf(
  pages: readonly Page[],
  user: User | undefined,
  locale: Locale,
  here: string,
): Frame['nav'] {
  const shown = pages.filter(
    (page) => page.nav && page.method === 'get' && mayOpen(user, page.access),
  );
  // The current entry is the one whose path leads to this page most closely: /quotes/new is
  // "new quote", /quotes/Q-… is "quotes".
  const leadsHere = (path: string) => here === path || here.startsWith(`${path}/`);
  const current = shown
    .filter((page) => leadsHere(page.path))
    .reduce<Page | undefined>(
      (best, page) => (best && best.path.length >= page.path.length ? best : page),
      undefined,
    );
  return shown.map((page) => ({
    href: page.path,
    label: locale.text(page.nav!.labelKey),
    current: page === current,
  }));
}
