import type { Db } from '../database/transactions.js';
import type { NewDomainEvent } from '../events/domain-event.js';
import type { DomainEventRepository } from '../events/domain-event.repository.js';

/**
 * Events a composite change (the upsert) collects from the services it calls, to
 * append them in one statement. Whoever creates it must flush it before its
 * transaction commits; the services append at once when given none.
 */
export class PendingEvents {
  private readonly events: NewDomainEvent[] = [];

  constructor(private readonly repository: DomainEventRepository) {}

  add(events: NewDomainEvent[]): void {
    this.events.push(...events);
  }

  async flush(db: Db): Promise<void> {
    await this.repository.append(db, this.events.splice(0));
  }
}

/** Appends now, or hands the events to the caller's PendingEvents. */
export async function emit(
  db: Db,
  repository: DomainEventRepository,
  events: NewDomainEvent[],
  pending: PendingEvents | undefined,
): Promise<void> {
  if (pending) pending.add(events);
  else await repository.append(db, events);
}
