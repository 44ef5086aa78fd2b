import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RuleService } from '../../../../libs/domain/src/index.js';
import {
  CompleteRuleDto,
  CompletionListDto,
  FormattedRuleDto,
  mapCompletionItem,
  mapRuleValidation,
  RuleSourceDto,
  RuleValidationDto,
} from './rules.dto.js';

@ApiTags('rules')
@ApiBearerAuth()
@Controller('v1/rules')
export class RulesController {
  constructor(private readonly rules: RuleService) {}

  @Post('validate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check rule text against the current groups, fields, tags, segments and selections',
    description:
      'Always 200: problems are in diagnostics, each with line, column, offset, length and message.',
  })
  @ApiOkResponse({ type: RuleValidationDto })
  async validate(@Body() body: RuleSourceDto): Promise<RuleValidationDto> {
    return mapRuleValidation(await this.rules.validate(body.source));
  }

  @Post('format')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Lay rule text out canonically, keeping comments',
    description: 'Text with syntax errors is refused with 400 RULE_INVALID and details.diagnostics.',
  })
  @ApiOkResponse({ type: FormattedRuleDto })
  format(@Body() body: RuleSourceDto): FormattedRuleDto {
    return { source: this.rules.format(body.source) };
  }

  @Post('complete')
  @HttpCode(200)
  @ApiOperation({ summary: 'What may be written at a position: keywords, group paths, fields, tags, names' })
  @ApiOkResponse({ type: CompletionListDto })
  async complete(@Body() body: CompleteRuleDto): Promise<CompletionListDto> {
    return { items: (await this.rules.complete(body.source, body.offset)).map(mapCompletionItem) };
  }
}
