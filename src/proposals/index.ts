/** PDF proposals (tariff book §9): the customer's proposal and the internal deal sheet. */
export {
  DEFAULT_PROPOSAL_LANGUAGE,
  PROPOSAL_DOCUMENTS,
  PROPOSAL_LANGUAGES,
  proposalInputFromStoredQuote,
  ruleSetLabels,
  tierNamesOf,
  type ProposalDocument,
  type ProposalInput,
  type ProposalLanguage,
  type ProposalRenderOptions,
  type ProposalRuleSetFacts,
  type TierNames,
} from './input';
export { proposalPrintJob, renderProposalHtml, TEMPLATES_DIR, type ProposalPrintJob } from './html';
export {
  CHROMIUM_ARGS,
  CHROMIUM_CANDIDATES,
  ProposalRenderer,
  proposalPdfOptions,
  type ProposalRendererOptions,
  type ProposalRendererStats,
  type RenderCallOptions,
} from './renderer';
export { chromiumEnv } from './fonts';
export { formatYuan, formatQuantity, formatPercentPoints, formatRate, formatDate } from './format';
export { addDays, calendarDate } from '../calendar';
