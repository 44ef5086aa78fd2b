import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserService } from '../../../../libs/domain/src/index.js';
import { PageQueryDto } from '../contacts/page.dto.js';
import { CreateUserDto, mapUser, UserPageDto, UserResponseDto } from './users.dto.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('v1/users')
export class UsersController {
  constructor(private readonly users: UserService) {}

  @Post()
  @ApiOperation({ summary: 'Create a user (a possible responsible user of contacts)' })
  @ApiCreatedResponse({ type: UserResponseDto })
  async create(@Body() body: CreateUserDto): Promise<UserResponseDto> {
    return mapUser(await this.users.create(body));
  }

  @Get()
  @ApiOperation({ summary: 'Users by name' })
  @ApiOkResponse({ type: UserPageDto })
  async list(@Query() query: PageQueryDto): Promise<UserPageDto> {
    const page = await this.users.list(query);
    return { items: page.items.map(mapUser), nextCursor: page.nextCursor };
  }
}
