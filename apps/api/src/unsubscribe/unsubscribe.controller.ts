import { Controller, Get, Headers, HttpCode, Param, Post, Res, UseFilters } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type UnsubscribeStatus, UnsubscribeService } from '../../../../libs/domain/src/index.js';
import { Public } from '../auth/public.decorator.js';
import { ONE_CLICK_ROUTE } from './one-click-body.js';
import { UnsubscribePageFilter } from './unsubscribe-page.filter.js';
import { mapUnsubscribeStatus, UnsubscribeStatusDto } from './unsubscribe.dto.js';
import { privateLinkHeaders, renderConfirmPage, renderDonePage, wantsHtml } from './unsubscribe.page.js';

const TOKEN_PARAM = {
  name: 'token',
  description: 'The signed token from the unsubscribe link of a sequence email',
};
const LINK_INVALID = {
  status: 400,
  description:
    'UNSUBSCRIBE_LINK_INVALID: the token was not signed by this installation (mistyped, cut off, altered)',
};
const CONTACT_GONE = {
  status: 410,
  description: 'UNSUBSCRIBE_CONTACT_GONE: the contact has been erased since the email was sent',
};
const PAGE_OR_JSON = 'An HTML page when the client accepts text/html, else JSON';

/**
 * The public end of the unsubscribe link in every sequence email
 * (List-Unsubscribe, RFC 8058). The signed token is the only credential.
 */
@ApiTags('unsubscribe')
@Public()
@UseFilters(UnsubscribePageFilter)
@Controller('u')
export class UnsubscribeController {
  constructor(private readonly unsubscribe: UnsubscribeService) {}

  @Get(':token')
  @ApiOperation({
    summary: 'The page an unsubscribe link opens: a confirmation button; changes nothing (link scanners GET)',
  })
  @ApiParam(TOKEN_PARAM)
  @ApiProduces('text/html', 'application/json')
  @ApiOkResponse({ type: UnsubscribeStatusDto, description: PAGE_OR_JSON })
  @ApiResponse(LINK_INVALID)
  @ApiResponse(CONTACT_GONE)
  async page(
    @Param('token') token: string,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UnsubscribeStatusDto | string> {
    const status = await this.unsubscribe.status(token);
    return respond(reply, accept, status, status.unsubscribed ? renderDonePage() : renderConfirmPage());
  }

  @Post(':token')
  @HttpCode(200)
  @RouteConfig({ [ONE_CLICK_ROUTE]: true })
  @ApiOperation({
    summary:
      "Unsubscribe the link's contact (RFC 8058 one-click POST, or the page's button); doing it again is harmless",
  })
  @ApiParam(TOKEN_PARAM)
  @ApiConsumes('application/x-www-form-urlencoded', 'multipart/form-data')
  @ApiBody({
    required: false,
    description: 'What mail clients send; the body is not needed and ignored',
    schema: {
      type: 'object',
      properties: {
        'List-Unsubscribe': {
          type: 'string',
          enum: ['One-Click'],
          description: 'The value of the List-Unsubscribe-Post header of the email',
        },
      },
    },
  })
  @ApiProduces('text/html', 'application/json')
  @ApiOkResponse({ type: UnsubscribeStatusDto, description: PAGE_OR_JSON })
  @ApiResponse(LINK_INVALID)
  @ApiResponse(CONTACT_GONE)
  async confirm(
    @Param('token') token: string,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UnsubscribeStatusDto | string> {
    const status = await this.unsubscribe.unsubscribe(token);
    return respond(reply, accept, status, renderDonePage());
  }
}

function respond(
  reply: FastifyReply,
  accept: string | undefined,
  status: UnsubscribeStatus,
  html: string,
): UnsubscribeStatusDto | string {
  privateLinkHeaders(reply);
  if (!wantsHtml(accept)) return mapUnsubscribeStatus(status);
  void reply.type('text/html; charset=utf-8');
  return html;
}
