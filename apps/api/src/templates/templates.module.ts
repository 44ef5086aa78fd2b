import { type DynamicModule, Module } from '@nestjs/common';
import {
  CompiledTemplateService,
  MAIL_SENDER,
  RenderDataRepository,
  RenderDataService,
  TemplateChecker,
  TemplateCompiler,
  TemplateExamplesService,
  TemplatePartRepository,
  TemplatePartService,
  TemplatePreviewService,
  TemplateRepository,
  TemplateService,
  Transactions,
} from '../../../../libs/domain/src/index.js';
import type { ApiSettings } from '../api-settings.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { SenderProfileController } from './sender-profile.controller.js';
import { SmtpMailSender } from './smtp-mail-sender.js';
import { TemplatePartsController } from './template-parts.controller.js';
import { TemplatesController } from './templates.controller.js';

const modules = new WeakMap<ApiSettings, DynamicModule>();

/**
 * Templates, their parts and versions, previews and test sends, and the sender
 * profile. Exports what letters and (later) deliveries need: compiled templates
 * and render data. ContactsModule provides the field schema service the examples use.
 */
@Module({})
export class TemplatesModule {
  /** One module per settings object, so LettersModule and AppModule import the same instance. */
  static forRoot(settings: ApiSettings): DynamicModule {
    let module = modules.get(settings);
    if (!module) {
      module = {
        module: TemplatesModule,
        imports: [ContactsModule],
        controllers: [TemplatesController, TemplatePartsController, SenderProfileController],
        providers: [
          Transactions,
          TemplateRepository,
          TemplatePartRepository,
          RenderDataRepository,
          TemplateCompiler,
          TemplateChecker,
          TemplateService,
          TemplatePartService,
          CompiledTemplateService,
          RenderDataService,
          TemplatePreviewService,
          TemplateExamplesService,
          { provide: MAIL_SENDER, useFactory: () => new SmtpMailSender(settings) },
        ],
        exports: [CompiledTemplateService, RenderDataService, TemplateService],
      };
      modules.set(settings, module);
    }
    return module;
  }
}
