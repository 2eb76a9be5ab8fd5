import { z } from 'zod';
import { pagination } from '../quotes/validators';
import { quoteNumber } from '../../domain';

export const auditQuery = z.strictObject({
  quoteNumber: quoteNumber.optional().describe('only the entries of this quote'),
  ...pagination,
});
