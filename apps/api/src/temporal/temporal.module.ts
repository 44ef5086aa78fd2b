import { type DynamicModule, Global, Module } from '@nestjs/common';
import { API_SETTINGS, type ApiSettings } from '../api-settings.js';
import { TemporalClientProvider } from './temporal-client.provider.js';

/** The API's one Temporal client, for every module that asks Temporal something (health, schedules). */
@Global()
@Module({})
export class TemporalModule {
  static forRoot(settings: ApiSettings): DynamicModule {
    return {
      module: TemporalModule,
      providers: [{ provide: API_SETTINGS, useValue: settings }, TemporalClientProvider],
      exports: [TemporalClientProvider],
    };
  }
}
