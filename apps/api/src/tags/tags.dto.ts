import { ApiProperty } from '@nestjs/swagger';
import type { Tag, TagCount } from '../../../../libs/domain/src/index.js';

export class TagResponseDto {
  @ApiProperty({ description: 'Stable id of the tag', format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Tag name, in the spelling it was first used with' })
  name!: string;
}

export class TagListDto {
  @ApiProperty({ description: 'Tags by name', type: [TagResponseDto] })
  items!: TagResponseDto[];
}

export class TagCountDto extends TagResponseDto {
  @ApiProperty({ description: 'Number of contacts with this tag' })
  contacts!: number;
}

export class TagCountPageDto {
  @ApiProperty({ description: 'Tags by name (ignoring case), with counts', type: [TagCountDto] })
  items!: TagCountDto[];

  @ApiProperty({
    description: 'Cursor of the next page; null on the last page',
    nullable: true,
    type: String,
  })
  nextCursor!: string | null;
}

export function mapTag(tag: Tag): TagResponseDto {
  return { id: tag.id, name: tag.name };
}

export function mapTagCount(tag: TagCount): TagCountDto {
  return { id: tag.id, name: tag.name, contacts: tag.contacts };
}
