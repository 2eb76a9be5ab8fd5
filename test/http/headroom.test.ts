/** POST /api/quotes/preview?headroom=true: the deal desk's headroom beside the priced preview. */
import { previewSchema } from '../../src/http/schemas';
import { REQUESTS, startTestService, type TestService } from './support';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

describe('preview with headroom', () => {
  it('adds, per item, how much more may be negotiated before a higher approval', async () => {
    const response = await service.call('POST', '/api/quotes/preview?headroom=true', {
      as: 'am1',
      body: REQUESTS.ENT0003(),
    });
    expect(response.status).toBe(200);
    const preview = previewSchema.parse(response.body);
    expect(preview.headroom?.level).toBe(preview.approval.level);
    expect(preview.headroom?.items.map((item) => item.item)).toEqual(
      preview.quote.items.map((item) => item.code),
    );
    // ENT-0003 needs the finance director; a little more off line fees makes it a loss.
    expect(preview.headroom?.items.find((item) => item.item === 'LINE_FEE')?.reaches).toEqual([
      { level: 'rejected', fromPercent: expect.stringMatching(/^\d+(\.\d{1,2})?$/) },
    ]);
  });

  it('is left out unless asked for, and a bad flag is named', async () => {
    const plain = await service.call('POST', '/api/quotes/preview', {
      as: 'am1',
      body: REQUESTS.ENT0003(),
    });
    expect(plain.status).toBe(200);
    expect(plain.body.headroom).toBeUndefined();
    const bad = await service.call('POST', '/api/quotes/preview?headroom=maybe', {
      as: 'am1',
      body: REQUESTS.ENT0003(),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toEqual([
      { path: 'query.headroom', message: 'must be true or false' },
    ]);
  });
});
