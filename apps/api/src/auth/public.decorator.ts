import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'trellis:isPublic';

/** Marks a route that answers without an API key (health, developer mailbox). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
