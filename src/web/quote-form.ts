/**
 * The new-quote form, generated from the rule set as the request schema is (src/rules/request.ts):
 * the customer facts and options tariff.json declares, its contract terms, the usage fields with
 * the names of the price-list items that bill them, one quantity per handset model, and
 * negotiated adjustments on any price-list item or category. A form field is named by the request
 * path it fills (`enterprise.annualSpend`, `usagePerLine.dataGB`), so an issue the request schema
 * names lands on its field. The form only carries what was typed: the request schema judges it.
 */
import { USAGE_FIELDS, UNSIGNED_DECIMAL_PATTERN } from '../domain';
import type { FieldIssue } from '../errors';
import { issueMessage } from '../messages/messages';
import type { ProposalLanguage } from '../proposals/input';
import type { Locale } from '../proposals/locale';
import type { RuleSet } from '../rules/compile';
import type { CustomerFact, RequestOption } from '../rules/declarations';

export type FieldKind = 'text' | 'decimal' | 'integer' | 'select' | 'checkbox' | 'date';

export interface FormField {
  /** The input's name: the request path it fills. */
  name: string;
  /** A valid HTML id for the label and the error to point at. */
  id: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  value: string;
  checked: boolean;
  options: { value: string; label: string; selected: boolean }[];
  /** A unit or note shown after the input (`分钟/线·月`). */
  unit?: string;
  /** The request schema's words about this field, after a preview or save. */
  error?: string;
}

export interface FormSection {
  legendKey: string;
  fields: FormField[];
}

export interface AdjustmentRow {
  index: number;
  /** Its place as a reader counts it: 1 for the first row. */
  number: number;
  target: FormField;
  percent: FormField;
  reason: FormField;
}

export interface QuoteFormView {
  sections: FormSection[];
  adjustments: AdjustmentRow[];
  /** Whether another adjustment row may be added. */
  mayAddRow: boolean;
  /** Issues no field shows (a rule across fields: more handsets than lines). */
  otherIssues: FieldIssue[];
}

/** Blank adjustment rows a new form offers; a row left blank is no adjustment. */
export const ADJUSTMENT_ROWS = 3;
/** The most rows a form holds; the request schema takes up to 50 adjustments. */
export const MAX_ADJUSTMENT_ROWS = 20;
/** The hidden field that tells how many adjustment rows the form shows. */
export const ADJUSTMENT_ROWS_FIELD = 'adjustmentRows';
const ADJUSTMENT_PARTS = ['target', 'percent', 'reason'] as const;

/** How many adjustment rows `values` shows: as its hidden field says, else the default. */
export function adjustmentRowCount(values: FormValues): number {
  const text = values[ADJUSTMENT_ROWS_FIELD] ?? '';
  if (!/^\d{1,2}$/.test(text)) return ADJUSTMENT_ROWS;
  return Math.min(MAX_ADJUSTMENT_ROWS, Math.max(1, Number(text)));
}

/**
 * The form's values with one adjustment row more (at the end), or with row `remove` taken out and
 * the rows after it moved up, so every row keeps what was typed in it.
 */
export function withAdjustmentRows(
  values: FormValues,
  change: { add: true } | { remove: number },
): FormValues {
  const rows = adjustmentRowCount(values);
  const next: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (!/^adjustments\.\d+\./.test(name)) next[name] = value;
  }
  if ('add' in change) {
    for (let index = 0; index < rows; index += 1) copyRow(values, index, next, index);
    next[ADJUSTMENT_ROWS_FIELD] = String(Math.min(MAX_ADJUSTMENT_ROWS, rows + 1));
    return next;
  }
  let to = 0;
  for (let index = 0; index < rows; index += 1) {
    if (index === change.remove) continue;
    copyRow(values, index, next, to);
    to += 1;
  }
  next[ADJUSTMENT_ROWS_FIELD] = String(Math.max(1, to));
  return next;
}

function copyRow(from: FormValues, index: number, to: Record<string, string>, at: number): void {
  for (const part of ADJUSTMENT_PARTS) {
    const value = from[`adjustments.${index}.${part}`];
    if (value !== undefined) to[`adjustments.${at}.${part}`] = value;
  }
}

/** A submitted form: each field's text as sent (a repeated name keeps its last value). */
export type FormValues = Readonly<Record<string, string>>;

/** The form's fields as the body parser hands them over, every value text. */
export function formValues(body: unknown): FormValues {
  const values: Record<string, string> = {};
  if (body === null || typeof body !== 'object') return values;
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    const text = Array.isArray(value) ? value.at(-1) : value;
    if (typeof text === 'string') values[name] = text;
  }
  return values;
}

const HANDSET_PREFIX = 'handset.';

function fieldId(name: string): string {
  return `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

function field(
  name: string,
  label: string,
  kind: FieldKind,
  values: FormValues,
  extra: Partial<FormField> = {},
): FormField {
  const value = values[name] ?? '';
  return {
    name,
    id: fieldId(name),
    label,
    kind,
    required: false,
    value,
    checked: value === 'true',
    options: [],
    ...extra,
  };
}

function select(
  name: string,
  label: string,
  choices: { value: string; label: string }[],
  values: FormValues,
  extra: Partial<FormField> = {},
): FormField {
  const chosen = values[name] ?? '';
  return field(name, label, 'select', values, {
    options: choices.map((choice) => ({ ...choice, selected: choice.value === chosen })),
    ...extra,
  });
}

function factField(fact: CustomerFact, lang: ProposalLanguage, values: FormValues): FormField {
  const name = `enterprise.${fact.name}`;
  const label = fact.names[lang];
  const required = fact.required === true;
  switch (fact.type) {
    case 'enum':
      return select(
        name,
        label,
        [
          ...(required ? [] : [{ value: '', label: '—' }]),
          ...fact.values.map((value) => ({ value: value.code, label: value.names[lang] })),
        ],
        { ...values, [name]: values[name] ?? fact.default ?? '' },
        { required },
      );
    case 'decimal':
      return field(name, label, 'decimal', values, { required });
    case 'integer':
      return field(name, label, 'integer', values, { required });
    case 'boolean':
      return field(name, label, 'checkbox', values);
    case 'date':
      return field(name, label, 'date', values, { required });
  }
}

function optionField(option: RequestOption, lang: ProposalLanguage, values: FormValues): FormField {
  return option.type === 'boolean'
    ? field(option.name, option.names[lang], 'checkbox', values)
    : field(option.name, option.names[lang], 'integer', values, {
        required: option.required === true,
      });
}

/** The form for `values` (empty for a new quote), with `issues` from the request schema on their fields. */
export function quoteForm(
  ruleSet: RuleSet,
  locale: Locale,
  values: FormValues,
  issues: readonly FieldIssue[] = [],
): QuoteFormView {
  const lang = locale.lang;
  const { tariff, items } = ruleSet;
  const usageItem = (usage: string) =>
    items.find((item) => item.quantity.basis === 'usagePerLine' && item.quantity.field === usage);
  const handsetItems = ruleSet.handsetModels.map((model) => ({
    model,
    item: items.find((item) => item.code === model),
  }));

  const sections: FormSection[] = [
    {
      legendKey: 'web.quoteForm.enterprise',
      fields: [
        field('enterprise.id', locale.text('customer.id'), 'text', values, { required: true }),
        field('enterprise.name', locale.text('web.quoteForm.enterpriseName'), 'text', values, {
          required: true,
        }),
        ...tariff.customerFacts.map((fact) => factField(fact, lang, values)),
      ],
    },
    {
      legendKey: 'web.quoteForm.plan',
      fields: [
        select(
          'termMonths',
          locale.text('plan.term'),
          tariff.contractTerms.map((months) => ({
            value: String(months),
            label: locale.text('plan.termValue', { months: String(months) }),
          })),
          { ...values, termMonths: values.termMonths ?? String(tariff.contractTerms.at(-1) ?? '') },
          { required: true },
        ),
        field('lines', locale.text('plan.lines'), 'integer', values, { required: true }),
        ...tariff.options.map((option) => optionField(option, lang, values)),
        field(
          'currentMonthlyBill',
          locale.text('web.quoteForm.currentMonthlyBill'),
          'decimal',
          values,
          {
            unit: locale.text('web.quoteForm.yuanPerMonth'),
          },
        ),
      ],
    },
    {
      legendKey: 'web.quoteForm.usage',
      fields: USAGE_FIELDS.map((usage) => {
        const item = usageItem(usage);
        return field(`usagePerLine.${usage}`, item?.names[lang] ?? usage, 'decimal', values, {
          required: true,
          ...(item
            ? { unit: locale.text('web.quoteForm.perLineMonth', { unit: item.unitNames[lang] }) }
            : {}),
        });
      }),
    },
    {
      legendKey: 'web.quoteForm.handsets',
      fields: handsetItems.map(({ model, item }) =>
        field(`${HANDSET_PREFIX}${model}`, item?.names[lang] ?? model, 'integer', values, {
          unit: locale.text('web.quoteForm.units'),
        }),
      ),
    },
  ];

  const targets = [
    { value: '', label: '—' },
    ...items.map((item) => ({ value: `item:${item.code}`, label: item.names[lang] })),
    ...[...new Set(items.map((item) => item.category))].map((category) => ({
      value: `category:${category}`,
      label: locale.text('web.quoteForm.category', {
        category: locale.optionalText(`web.categories.${category}`) ?? category,
      }),
    })),
  ];
  const rows = adjustmentRowCount(values);
  const adjustments: AdjustmentRow[] = Array.from({ length: rows }, (_, index) => ({
    index,
    number: index + 1,
    target: select(
      `adjustments.${index}.target`,
      locale.text('web.quoteForm.adjustmentTarget'),
      targets,
      values,
    ),
    percent: field(
      `adjustments.${index}.percent`,
      locale.text('web.quoteForm.adjustmentPercent'),
      'decimal',
      values,
      {
        unit: '%',
      },
    ),
    reason: field(
      `adjustments.${index}.reason`,
      locale.text('web.quoteForm.adjustmentReason'),
      'text',
      values,
    ),
  }));

  const byName = new Map<string, FormField>();
  for (const section of sections) for (const entry of section.fields) byName.set(entry.name, entry);
  for (const row of adjustments)
    for (const entry of [row.target, row.percent, row.reason]) byName.set(entry.name, entry);
  const otherIssues: FieldIssue[] = [];
  for (const issue of issues) {
    // The request schema's words, in the reader's language where the messages have them.
    const message = issueMessage(issue, lang);
    const target = byName.get(fieldNameOf(issue.path, values, ruleSet));
    if (target) target.error = target.error ? `${target.error}; ${message}` : message;
    else otherIssues.push({ ...issue, message });
  }
  return { sections, adjustments, mayAddRow: rows < MAX_ADJUSTMENT_ROWS, otherIssues };
}

/** The form field an issue of the request belongs to. */
function fieldNameOf(path: string, values: FormValues, ruleSet: RuleSet): string {
  const handset = /^handsets\.(\d+)\./.exec(path);
  if (handset) {
    const model = handsetsOf(values, ruleSet)[Number(handset[1])]?.model;
    return model ? `${HANDSET_PREFIX}${model}` : path;
  }
  const adjustment = /^adjustments\.(\d+)\.(item|category)$/.exec(path);
  if (adjustment)
    return `adjustments.${adjustmentRowsOf(values)[Number(adjustment[1])] ?? 0}.target`;
  const adjustmentField = /^adjustments\.(\d+)\.(percent|reason)$/.exec(path);
  if (adjustmentField) {
    return `adjustments.${adjustmentRowsOf(values)[Number(adjustmentField[1])] ?? 0}.${adjustmentField[2]}`;
  }
  return path;
}

function handsetsOf(values: FormValues, ruleSet: RuleSet): { model: string; quantity: unknown }[] {
  return ruleSet.handsetModels
    .filter((model) => (values[`${HANDSET_PREFIX}${model}`] ?? '').trim() !== '')
    .map((model) => ({ model, quantity: whole(values[`${HANDSET_PREFIX}${model}`] ?? '') }))
    .filter((handset) => handset.quantity !== 0);
}

/** The form rows that hold an adjustment, in order: the request's adjustments.N is row [N]. */
function adjustmentRowsOf(values: FormValues): number[] {
  return Array.from({ length: adjustmentRowCount(values) }, (_, index) => index).filter((index) =>
    ADJUSTMENT_PARTS.some((part) => (values[`adjustments.${index}.${part}`] ?? '').trim() !== ''),
  );
}

/** A whole number typed as digits becomes one; anything else stays text for the schema to name. */
function whole(text: string): unknown {
  const trimmed = text.trim();
  return /^\d{1,15}$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** Decimal text as typed, trimmed; the schema says what is wrong with it. */
function decimal(text: string): string {
  return text.trim();
}

/**
 * The request a form asks for: every field as typed, in the shape of the request schema. Blank
 * optional fields are left out; blank required ones too, so the schema says "is required".
 */
export function requestFromForm(values: FormValues, ruleSet: RuleSet): Record<string, unknown> {
  const { tariff } = ruleSet;
  const text = (name: string) => (values[name] ?? '').trim();
  const enterprise: Record<string, unknown> = {};
  for (const name of ['id', 'name'])
    if (text(`enterprise.${name}`)) enterprise[name] = text(`enterprise.${name}`);
  for (const fact of tariff.customerFacts) {
    const value = text(`enterprise.${fact.name}`);
    if (fact.type === 'boolean') enterprise[fact.name] = value === 'true';
    else if (value === '') continue;
    else if (fact.type === 'integer') enterprise[fact.name] = whole(value);
    else enterprise[fact.name] = fact.type === 'decimal' ? decimal(value) : value;
  }
  const request: Record<string, unknown> = { enterprise };
  if (text('termMonths')) request.termMonths = whole(text('termMonths'));
  if (text('lines')) request.lines = whole(text('lines'));
  for (const option of tariff.options) {
    if (option.type === 'boolean') request[option.name] = text(option.name) === 'true';
    else if (text(option.name)) request[option.name] = whole(text(option.name));
  }
  const usage: Record<string, string> = {};
  for (const field of USAGE_FIELDS) {
    if (text(`usagePerLine.${field}`)) usage[field] = decimal(text(`usagePerLine.${field}`));
  }
  request.usagePerLine = usage;
  request.handsets = handsetsOf(values, ruleSet);
  if (text('currentMonthlyBill')) request.currentMonthlyBill = decimal(text('currentMonthlyBill'));
  const adjustments = adjustmentRowsOf(values).map((index) => {
    const [kind, code] = text(`adjustments.${index}.target`).split(':');
    return {
      ...(kind === 'category' ? { category: code ?? '' } : { item: code ?? '' }),
      percent: decimal(text(`adjustments.${index}.percent`)),
      reason: text(`adjustments.${index}.reason`),
    };
  });
  if (adjustments.length > 0) request.adjustments = adjustments;
  return request;
}

/** What an HTML input may check as it is typed: digits with one optional dot. */
export const DECIMAL_INPUT_PATTERN = UNSIGNED_DECIMAL_PATTERN.source.replace(/^\^|\$$/g, '');
