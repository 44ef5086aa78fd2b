import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SequenceInsightService } from '../../../../libs/domain/src/index.js';
import { mapSequenceStats, SequenceStatsDto } from './sequences.dto.js';

@ApiTags('automations')
@ApiBearerAuth()
@Controller('v1/sequences')
export class SequencesController {
  constructor(private readonly insight: SequenceInsightService) {}

  @Get(':name/stats')
  @ApiOperation({ summary: 'Contacts per step, deliveries sent/failed/skipped, stopped entries and why' })
  @ApiOkResponse({ type: SequenceStatsDto })
  async stats(@Param('name') name: string): Promise<SequenceStatsDto> {
    return mapSequenceStats(await this.insight.stats(name));
  }
}
