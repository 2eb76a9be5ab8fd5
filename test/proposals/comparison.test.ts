/**
 * §9 and issue 14 §4: the proposal compares with what the customer pays today when the request
 * says so — a saving or, honestly, an increase, per month and over the term — and otherwise with
 * list prices, labelled so. It shows the monthly fee per line and what the points are worth.
 */
import { renderProposalHtml } from '../../src/proposals';
import { exampleInput, yuan } from './support';

const text = (html: string) =>
  html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ');

describe('the proposal’s comparison', () => {
  it('against today’s bill: a saving per month and over the term', async () => {
    // ENT-0001 costs 13128.00 a month over 24 months.
    const input = await exampleInput('ENT-0001', (request) => {
      request.currentMonthlyBill = '15000.00';
    });
    const zh = text(renderProposalHtml(input, { lang: 'zh-CN', document: 'proposal' }));
    expect(zh).toContain(`每月较现有账单节省 ${yuan('1872.00')}`);
    expect(zh).toContain(`现有账单每月 ${yuan('15000.00')}；24 个月合计 ${yuan('44928.00')}`);
    expect(zh).not.toContain('较目录价');
  });

  it('against today’s bill: an increase is shown as one', async () => {
    const input = await exampleInput('ENT-0001', (request) => {
      request.currentMonthlyBill = '12000';
    });
    const en = text(renderProposalHtml(input, { lang: 'en', document: 'proposal' }));
    expect(en).toContain(`More a month than today's bill ${yuan('1128.00')}`);
    expect(en).toContain(`over 24 months`);
    expect(en).toContain(yuan('27072.00'));
    expect(en).not.toContain('Saving a month');
  });

  it('without today’s bill: against list prices, labelled so', async () => {
    const input = await exampleInput('ENT-0001');
    const zh = text(renderProposalHtml(input, { lang: 'zh-CN', document: 'proposal' }));
    expect(zh).toContain(`为您节省 ${yuan(input.quote.totals.customerSavings)} 较目录价`);
  });

  it('shows the monthly fee per line and the points’ value', async () => {
    const input = await exampleInput('ENT-0001');
    const zh = text(renderProposalHtml(input, { lang: 'zh-CN', document: 'proposal' }));
    // 13128.00 / 120 lines; 19692 points × ¥0.01.
    expect(zh).toContain(`每条号码每月 ${yuan('109.40')}`);
    expect(zh).toContain(`每月积分价值约 ${yuan('196.92')}`);
  });
});
