import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { TemporalClientProvider } from '../temporal/temporal-client.provider.js';

// A health probe must answer quickly even while a connection attempt hangs.
const PROBE_TIMEOUT_MS = 2_000;

@Injectable()
export class TemporalHealthIndicator {
  constructor(
    private readonly temporal: TemporalClientProvider,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async isHealthy(key: string) {
    const indicator = this.indicators.check(key);
    try {
      await withTimeout(
        this.probe(),
        PROBE_TIMEOUT_MS,
        `no answer from Temporal within ${PROBE_TIMEOUT_MS} ms`,
      );
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  private async probe(): Promise<void> {
    const client = await this.temporal.client();
    await client.workflowService.describeNamespace({ namespace: this.temporal.namespace });
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
