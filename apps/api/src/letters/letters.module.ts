import { type DynamicModule, Module } from '@nestjs/common';
import { ChromiumPdfRenderer, LetterService, PDF_RENDERER } from '../../../../libs/domain/src/index.js';
import { DEFAULT_CHROMIUM_PATH } from '../../../../libs/platform/src/index.js';
import type { ApiSettings } from '../api-settings.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { LettersController } from './letters.controller.js';

const modules = new WeakMap<ApiSettings, DynamicModule>();

/**
 * PDF letters through headless Chromium: one browser per process, launched on
 * first use. One module per settings object, so a feature importing it shares
 * the browser instead of starting a second one.
 */
@Module({})
export class LettersModule {
  static forRoot(settings: ApiSettings): DynamicModule {
    let module = modules.get(settings);
    if (!module) {
      module = {
        module: LettersModule,
        imports: [TemplatesModule.forRoot(settings)],
        controllers: [LettersController],
        providers: [
          LetterService,
          {
            provide: PDF_RENDERER,
            useFactory: () => new ChromiumPdfRenderer(settings.chromiumPath ?? DEFAULT_CHROMIUM_PATH),
          },
        ],
        exports: [LetterService],
      };
      modules.set(settings, module);
    }
    return module;
  }
}
