/**
 * What a proposal is made from: a priced quote, the request it answers, and the facts of issue
 * (number, dates, account manager). Plain data, so the quote service builds it from a stored quote
 * and the command line from a freshly priced request (tariff book §9).
 */
import type { PricedQuote } from '../pricing/quote';
import type { NegotiatedDiscounts } from '../pricing/waterfall';
import type { QuoteRequest } from '../rules/request';
import type { Declarations } from '../rules/declarations';
import type { TariffFile } from '../rules/files';
import type { StoredQuote } from '../store/types';
import type { QuoteState } from '../domain';
import { toCalendarDate } from '../calendar';
import type { LocalizedText } from '../domain';

export const PROPOSAL_LANGUAGES = ['zh-CN', 'en'] as const;
/** §9: Simplified Chinese by default, English on request. */
export type ProposalLanguage = (typeof PROPOSAL_LANGUAGES)[number];
export const DEFAULT_PROPOSAL_LANGUAGE: ProposalLanguage = 'zh-CN';

export const PROPOSAL_DOCUMENTS = ['proposal', 'deal-sheet'] as const;
/** `proposal` is the customer's copy; `deal-sheet` carries costs, margin and approval and is internal. */
export type ProposalDocument = (typeof PROPOSAL_DOCUMENTS)[number];

export interface ProposalRenderOptions {
  lang: ProposalLanguage;
  document: ProposalDocument;
}

export interface AccountManagerContact {
  name: string;
  phone?: string;
  email?: string;
}

/** A stored quote's state and, once someone approved or rejected it, who, when and why. */
export interface QuoteDecision {
  state: QuoteState;
  decidedBy?: string;
  /** An ISO instant; the deal sheet prints it as a date and time in China. */
  decidedAt?: string;
  comment?: string;
}

/** Tier names by tier code, as the rule set's tariff.json gives them. */
export type TierNames = Readonly<Record<string, LocalizedText>>;

export interface ProposalInput {
  quote: PricedQuote;
  /** The validated request the quote prices: the enterprise, lines, term, handsets. */
  request: QuoteRequest;
  /** `Q-YYYY-NNNNNN` once issued; a draft carries a number that says it is one. */
  number: string;
  /** Calendar dates, `YYYY-MM-DD`. */
  issuedAt: string;
  validUntil: string;
  /** Who the customer deals with, and how to reach them (the user record's contact, when set). */
  accountManager: AccountManagerContact;
  /** Tier names from the rule set the quote was priced with; the locale's names otherwise. */
  tierNames?: TierNames;
  /** The customer facts and options the rule set declares, for their labels and values' words. */
  declarations?: Declarations;
  /** The operator's legal entity as the tariff declares it: who offers the plan and signs. */
  operator?: LocalizedText;
  /** The tariff book the rule set encodes, for the deal sheet. */
  tariff?: { name: string; version: string };
  /** Marks every page as a draft: not an offer until issued under a quote number. */
  draft?: boolean;
  /** Where the quote stands and who decided it (§8): the deal sheet records it. */
  decision?: QuoteDecision;
  /**
   * Per item, what negotiation added to its discount (src/pricing/waterfall.ts): the deal sheet
   * shows the tariff's and the negotiated discounts apart. Absent: the request negotiated nothing.
   */
  negotiatedDiscounts?: NegotiatedDiscounts;
  /** The quote this one revises, and the one that replaced it, by number. */
  supersedes?: string;
  supersededBy?: string;
}

/** The tier names a rule set's tariff gives (rules/tariff.json `tiers[].names`). */
export function tierNamesOf(tariff: Pick<TariffFile, 'tiers'>): TierNames {
  return Object.fromEntries(tariff.tiers.map((tier) => [tier.code, tier.names]));
}

/** The parts of a loaded rule set (src/rules RuleSet) that a proposal shows. */
export interface ProposalRuleSetFacts {
  tariff: Pick<TariffFile, 'tiers' | 'name' | 'version' | 'customerFacts' | 'options' | 'operator'>;
}

/** What a proposal shows of a rule set: tier names, declared facts and options, the tariff's name. */
export function ruleSetLabels(
  tariff: ProposalRuleSetFacts['tariff'],
): Pick<ProposalInput, 'tierNames' | 'declarations' | 'tariff' | 'operator'> {
  return {
    tierNames: tierNamesOf(tariff),
    declarations: { customerFacts: tariff.customerFacts, options: tariff.options },
    tariff: { name: tariff.name, version: tariff.version },
    ...(tariff.operator ? { operator: tariff.operator.legalName } : {}),
  };
}

/**
 * The input for a quote the service has stored. `ruleSet` should be the one the quote was priced
 * with (its hash is `stored.ruleSetHash`); timestamps become calendar dates in `timeZone`
 * (Asia/Shanghai unless given).
 */
export function proposalInputFromStoredQuote(
  stored: Pick<
    StoredQuote,
    'number' | 'request' | 'quote' | 'createdAt' | 'validUntil' | 'supersedes' | 'supersededBy'
  >,
  context: {
    accountManager: AccountManagerContact;
    ruleSet?: ProposalRuleSetFacts;
    timeZone?: string;
  },
): ProposalInput {
  const tariff = context.ruleSet?.tariff;
  return {
    quote: stored.quote,
    request: stored.request,
    number: stored.number,
    issuedAt: toCalendarDate(stored.createdAt, context.timeZone),
    validUntil: toCalendarDate(stored.validUntil, context.timeZone),
    accountManager: context.accountManager,
    ...(stored.supersedes ? { supersedes: stored.supersedes } : {}),
    ...(stored.supersededBy ? { supersededBy: stored.supersededBy } : {}),
    ...(tariff ? ruleSetLabels(tariff) : {}),
  };
}
