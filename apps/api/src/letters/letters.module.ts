import { type DynamicModule, Module } from '@nestjs/common';
import { ChromiumPdfRenderer, LetterService, PDF_RENDERER } from '../../../../libs/domain/src/index.js';
import { DEFAULT_CHROMIUM_PATH } from '../../../../libs/platform/src/index.js';
import type { ApiSettings } from '../api-settings.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { LettersController } from './letters.controller.js';

/** PDF letters through headless Chromium: one browser per process, launched on first use. */
@Module({})
export class LettersModule {
  static forRoot(settings: ApiSettings): DynamicModule {
    return {
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
    };
  }
}
