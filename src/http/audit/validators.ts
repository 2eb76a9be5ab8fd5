import { z } from 'zod';
import { pagination, quoteNumber } from '../quotes/validators';

export const auditQuery = z.strictObject({
  quoteNumber: quoteNumber.optional().describe('only the entries of this quote'),
  ...pagination,
});
