import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { TemporalClientProvider } from '../temporal/temporal-client.provider.js';

@Injectable()
export class TemporalHealthIndicator {
  constructor(
    private readonly temporal: TemporalClientProvider,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async isHealthy(key: string) {
    const indicator = this.indicators.check(key);
    try {
      const client = await this.temporal.client();
      await client.connection.withDeadline(Date.now() + 3_000, () =>
        client.workflowService.describeNamespace({ namespace: this.temporal.namespace }),
      );
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
