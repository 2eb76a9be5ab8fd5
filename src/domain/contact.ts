import { z } from 'zod';

/** What a phone number that is not one is told (worded in other languages by src/errors.ts). */
export const PHONE_NUMBER_MESSAGE =
  'must be a phone number: digits, spaces, ( ) and -, optionally starting with +';

/** How a customer reaches a user: a phone number as people write it (+86 10 6666 8888, 138-0000-0000). */
export const phoneNumber = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ()-]{2,30}$/, { message: PHONE_NUMBER_MESSAGE });

/** What an e-mail address that is not one is told (worded in other languages by src/errors.ts). */
export const EMAIL_ADDRESS_MESSAGE = 'must be an e-mail address such as wang@example.cn';

/** An e-mail address, checked as far as a proposal needs: one @, a dot in the domain, no spaces. */
export const emailAddress = z
  .string()
  .trim()
  .max(254, { message: 'must be at most 254 characters' })
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: EMAIL_ADDRESS_MESSAGE });
