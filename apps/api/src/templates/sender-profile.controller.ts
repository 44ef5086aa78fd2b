import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RenderDataService } from '../../../../libs/domain/src/index.js';
import { mapSenderProfile, SenderProfileResponseDto, UpdateSenderProfileDto } from './sender-profile.dto.js';

@ApiTags('templates')
@ApiBearerAuth()
@Controller('v1/sender-profile')
export class SenderProfileController {
  constructor(private readonly renderData: RenderDataService) {}

  @Get()
  @ApiOperation({
    summary: 'The sender block templates show as {{account.*}} and letters print as letterhead',
  })
  @ApiOkResponse({ type: SenderProfileResponseDto })
  async get(): Promise<SenderProfileResponseDto> {
    return mapSenderProfile(await this.renderData.senderProfile());
  }

  @Patch()
  @ApiOperation({ summary: 'Change the sender block; published templates render with the new one' })
  @ApiOkResponse({ type: SenderProfileResponseDto })
  async update(@Body() body: UpdateSenderProfileDto): Promise<SenderProfileResponseDto> {
    return mapSenderProfile(await this.renderData.updateSenderProfile(body));
  }
}
