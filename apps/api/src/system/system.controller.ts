import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedRequest } from '../auth/api-key.guard.js';
import { SystemCheckService } from './system-check.service.js';
import { mapTestMailRun, SendTestMailDto, TestMailRunDto } from './system.dto.js';

@ApiTags('system')
@ApiBearerAuth()
@Controller('v1/system/test-mails')
export class SystemController {
  constructor(private readonly systemCheck: SystemCheckService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a test mail through Temporal and the worker' })
  @ApiAcceptedResponse({ type: TestMailRunDto })
  async send(@Body() body: SendTestMailDto, @Req() request: AuthenticatedRequest): Promise<TestMailRunDto> {
    const run = await this.systemCheck.startTestMail({
      to: body.to,
      requestedBy: request.apiKey?.name ?? 'unknown',
    });
    return mapTestMailRun(run);
  }

  @Get(':workflowId')
  @ApiOperation({ summary: 'Status of a test mail run' })
  @ApiOkResponse({ type: TestMailRunDto })
  async status(@Param('workflowId') workflowId: string): Promise<TestMailRunDto> {
    return mapTestMailRun(await this.systemCheck.getTestMail(workflowId));
  }
}
